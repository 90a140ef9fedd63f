#!/bin/bash
# Peer table lookups at 10 M, third iteration (BENCHMARKS.md). Run from the repository root as
#   flock /tmp/jmiredo-bench.lock bench/results/jmh-lookup-3/run.sh PART
# with the jars built beforehand (./mvnw -q -B -o -pl relay-bench -am package -DskipTests, copied):
#   /tmp/lookup-base/relay-bench.jar   main's peer table + the new lookupBatch benchmark (commit 4dc5c11)
#   /tmp/lookup-final/relay-bench.jar  this branch at commit 9a787aa (optimistic reads, peekAll, 64-byte-aligned slots)
#   /tmp/lookup-lead0/relay-bench.jar  this branch with SlotLayout.LEAD = 0 (slots not aligned)
set -euo pipefail
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=bench/results/jmh-lookup-3
heap='-Xms6g -Xmx6g -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED'
run() { # name jar jvm-extra benchmarks
    echo "=== $1: $2 [$3] $4 ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$J" -cp "$2" org.openjdk.jmh.Main "PeerTableBench.($4)\$" -p peers=10000000 -f 1 -wi 2 -i 5 -w 1s -r 1s \
        -jvmArgs "$heap $3" -rf json -rff "$out/$1.json" | grep -E '^(Benchmark|PeerTableBench)'
}
all='lookup|peek|lookupBatch|peekBatch|peekAll'
case "$1" in
1)  for round in a b; do
        run "base-4k-$round" /tmp/lookup-base/relay-bench.jar '' 'lookup|lookupBatch'
        run "final-4k-$round" /tmp/lookup-final/relay-bench.jar '' "$all"
        run "base-thp-$round" /tmp/lookup-base/relay-bench.jar -XX:+UseTransparentHugePages 'lookup|lookupBatch'
        run "final-thp-$round" /tmp/lookup-final/relay-bench.jar -XX:+UseTransparentHugePages "$all"
    done ;;
2)  run lead0-thp /tmp/lookup-lead0/relay-bench.jar -XX:+UseTransparentHugePages 'lookup|lookupBatch|peekAll'
    run final-thp-c /tmp/lookup-final/relay-bench.jar -XX:+UseTransparentHugePages 'lookup|lookupBatch|peekAll'
    run base-zgc /tmp/lookup-base/relay-bench.jar -XX:+UseZGC 'lookup|lookupBatch'
    run final-zgc /tmp/lookup-final/relay-bench.jar -XX:+UseZGC 'lookup|lookupBatch|peekAll'
    for jar in base final; do
        echo "=== footprint $jar"
        "$J" -Xms6g -Xmx6g -cp /tmp/lookup-$jar/relay-bench.jar org.jmiredo.bench.jmh.Footprint 1000000 10000000
    done ;;
esac
