#!/bin/bash
# A second run of run.sh's part 1 (the default range, old against new), longer: 6 rounds, 10 one-second
# iterations each. Same jars as run.sh. Run: flock /tmp/jmiredo-bench.lock bench/results/served18/run2.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=bench/results/served18
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
mkdir -p "$out/jmh-default-2"
for round in 1 2 3 4 5 6; do
    for side in a b; do
        jar=/tmp/served18-old.jar; [ $side = b ] && jar=/tmp/served18-new.jar
        echo "=== round $round, $side ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
        "$J" -cp "$jar" org.openjdk.jmh.Main 'DataPathBench.udpToTun$' -p peers=1,100000 -f 1 -wi 3 -i 10 -w 1s \
            -r 1s -prof gc -jvmArgs "-XX:+UseZGC" -rf json -rff "$out/jmh-default-2/$side$round.json" \
            | grep -E '^[A-Za-z]+Bench' | grep -v 'gc.count\|gc.time\|churn\|alloc.rate '
    done
done | tee "$out/jmh-default-2.txt"
