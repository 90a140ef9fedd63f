#!/bin/bash
# Peer lookups in bursts with and without a prefetch pass (PeerTable.prefetch), 1 M and 10 M peers, the
# launcher's collector (ZGC), table off the heap. Run from the repository root as
#   flock /tmp/jmiredo-bench.lock bench/results/jmh-prefetch/run.sh OUTDIR
set -euo pipefail
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$1
mkdir -p "$out"
for round in ${ROUNDS:-a b}; do
    echo "=== round $round ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$J" -cp relay-bench/target/relay-bench.jar org.openjdk.jmh.Main 'PeerTableBench.(lookupBatch|lookupBatchPrefetched)$' \
        -p peers=1000000,10000000 -f 1 -wi 2 -i 5 -w 1s -r 1s \
        -jvmArgs "-Xms2g -Xmx2g -XX:+UseZGC --enable-native-access=ALL-UNNAMED" -rf json -rff "$out/$round.json" \
        | grep -E '^(Benchmark|PeerTableBench)'
done
