#!/bin/bash
# Why ZGC looks peers up slower than G1 (BENCHMARKS.md "Peer table lookups under ZGC"). Run from the
# repository root as  flock /tmp/jmiredo-bench.lock bench/results/jmh-zgc/explore.sh JAR OUTDIR
# Sets shmem THP to advise and reserves hugetlbfs pages for its own runs only, and puts both back.
set -euo pipefail
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jar=$1 out=$2
mkdir -p "$out"
thp=/sys/kernel/mm/transparent_hugepage/shmem_enabled
old_thp=$(sed 's/.*\[\(.*\)\].*/\1/' $thp) old_huge=$(cat /proc/sys/vm/nr_hugepages)
trap 'echo "$old_thp" > $thp; echo "$old_huge" > /proc/sys/vm/nr_hugepages' EXIT
heap_mb=${HEAP_MB:-3072}
heap="-Xms${heap_mb}m -Xmx${heap_mb}m -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED"
run() { # name peers jvm-extra benchmarks
    echo "=== $1: peers $2 [$3] $4 ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$J" -cp "$jar" org.openjdk.jmh.Main "PeerTableBench.($4)\$" -p peers=$2 -f 1 -wi 2 -i 5 -w 1s -r 1s \
        -jvmArgs "$heap $3 -Xlog:gc*:file=$out/$1.gc.log::filecount=0" -rf json -rff "$out/$1.json" \
        | grep -E '^(Benchmark|PeerTableBench)' &
    local pid=$!
    sleep 15; grep -E 'AnonHugePages|ShmemHugePages|HugePages_(Total|Free)' /proc/meminfo | tr -s ' ' | paste -sd' '
    wait $pid
    grep -hiE 'large page|heap backing|Using' "$out/$1.gc.log" | head -3 || true
}
b='lookup|lookupBatch'
for round in ${ROUNDS:-a}; do
    echo never > $thp
    run g1-4k-$round 10000000 -XX:+UseG1GC "$b"
    run zgc-4k-$round 10000000 -XX:+UseZGC "$b"
    run g1-thp-$round 10000000 '-XX:+UseG1GC -XX:+UseTransparentHugePages' "$b"
    echo advise > $thp
    run zgc-thp-$round 10000000 '-XX:+UseZGC -XX:+UseTransparentHugePages' "$b"
    echo never > $thp
    echo $((heap_mb / 2 + 464)) > /proc/sys/vm/nr_hugepages
    run zgc-hugetlb-$round 10000000 '-XX:+UseZGC -XX:+UseLargePages' "$b"
    echo "$old_huge" > /proc/sys/vm/nr_hugepages
done
[[ -n ${SMALL:-} ]] || exit 0
run g1-1k 1000 -XX:+UseG1GC lookupBatch
run zgc-1k 1000 -XX:+UseZGC lookupBatch
