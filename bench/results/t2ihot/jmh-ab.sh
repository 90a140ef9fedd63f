#!/bin/bash
# DataPathBench old (main 1c977f1 + the benchmark as first written: a pooled buffer allocated per tunnel packet,
# as TunQueueHandle read then) against new (this branch), alternating. Jars built beforehand:
#   /tmp/t2ihot-bench-a.jar (old), /tmp/t2ihot-bench-b.jar (new). Run from the repository root as
#   flock /tmp/jmiredo-bench.lock bench/results/t2ihot/jmh-ab.sh OUTDIR
set -euo pipefail
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$1
mkdir -p "$out"
for round in ${ROUNDS:-1 2}; do
    for side in a b; do
        echo "=== round $round, $side ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
        "$J" -cp /tmp/t2ihot-bench-$side.jar org.openjdk.jmh.Main 'DataPathBench.(udpToTun|tunToUdp)$' \
            -p peers=1,100000 -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc \
            -jvmArgs "-XX:+UseZGC" -rf json -rff "$out/$side$round.json" \
            | grep -E '^DataPathBench' | grep -v 'gc.count\|gc.time\|churn\|alloc.rate '
    done
done
