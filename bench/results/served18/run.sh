#!/bin/bash
# Seventeenth iteration, helper served18: what relay.served-prefixes costs per packet, Teredo→IPv6.
# Jars: /tmp/served18-old.jar = relay-bench of main 2ef34fda, /tmp/served18-new.jar = this branch
# (./mvnw -q -B -o -pl relay-bench -am package -DskipTests in each tree, relay-bench/target/relay-bench.jar).
# Run: flock /tmp/jmiredo-bench.lock bench/results/served18/run.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=bench/results/served18
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# 1. The default (no list: every global destination but fc00::/7), old against new, alternating.
JAR_A=/tmp/served18-old.jar JAR_B=/tmp/served18-new.jar BENCH='DataPathBench.udpToTun$' ROUNDS="1 2 3 4" \
    bench/jmh-ab.sh "$out/jmh-default" | tee "$out/jmh-default.txt"
# 2. The new build, default against 16 prefixes (the destination in the last), alternating.
for round in 1 2 3 4; do
    for served in 0 16; do
        echo "=== round $round, served=$served ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
        "$J" -cp /tmp/served18-new.jar org.openjdk.jmh.Main 'DataPathBench.udpToTun$' -p peers=1,100000 \
            -p served=$served -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc -jvmArgs "-XX:+UseZGC" -rf json \
            -rff "$out/jmh-served/s$served-$round.json" \
            | grep -E '^[A-Za-z]+Bench' | grep -v 'gc.count\|gc.time\|churn\|alloc.rate '
    done
done | tee "$out/jmh-served.txt"
# 3. A second, longer run of 1.: run2.sh.
