#!/bin/bash
# A JMH benchmark of two builds, old (JAR_A) against new (JAR_B), alternating a, b per round so that the
# machine's load falls on both alike; compare within a round. Pin the jars first (copies outside target/,
# which colleagues rebuild), and hold the bench lock:
#   JAR_A=/tmp/old.jar JAR_B=/tmp/new.jar flock /tmp/jmiredo-bench.lock bench/jmh-ab.sh OUTDIR
# BENCH (a JMH regex, default DataPathBench's two directions), PARAMS (default peers=1,100000), ROUNDS
# (default "1 2"). Output: the score lines on stdout, JSON per side and round in OUTDIR/{a,b}<round>.json.
set -euo pipefail
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$1
mkdir -p "$out"
: "${JAR_A:?old jar}" "${JAR_B:?new jar}"
BENCH=${BENCH:-'DataPathBench.(udpToTun|tunToUdp)$'}
PARAMS=${PARAMS:-peers=1,100000}
for round in ${ROUNDS:-1 2}; do
    for side in a b; do
        jar=JAR_${side^^}
        echo "=== round $round, $side ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
        "$J" -cp "${!jar}" org.openjdk.jmh.Main "$BENCH" -p "$PARAMS" -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc \
            -jvmArgs "-XX:+UseZGC" -rf json -rff "$out/$side$round.json" \
            | grep -E '^[A-Za-z]+Bench' | grep -v 'gc.count\|gc.time\|churn\|alloc.rate '
    done
done
