#!/bin/bash
# Peer table lookups under ZGC (BENCHMARKS.md). Run from the repository root as
#   flock /tmp/jmiredo-bench.lock bench/results/jmh-zgc/run.sh OUTDIR [zgc]
# (zgc: only the three ZGC rows at 10 M, three rounds, as a second look; shm: main's table on G1 with
# the heap in a tmpfs file, shared memory on 4-KiB pages as ZGC's heap is, against G1's usual heap)
# with the jars built beforehand (./mvnw -q -B -o -pl relay-bench -am package -DskipTests, copied):
#   /tmp/zgc-main.jar     main's peer table (slots in long[] on the heap)
#   /tmp/zgc-offheap.jar  branch zgc (slots in an off-heap mapping asked for huge pages)
# Host: THP enabled = madvise, shmem_enabled = never. For the "shmem THP" and "hugetlbfs" runs only,
# this script sets shmem_enabled = advise or reserves huge pages, and puts both back at exit.
set -euo pipefail
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$1
mkdir -p "$out"
thp=/sys/kernel/mm/transparent_hugepage/shmem_enabled
old_thp=$(sed 's/.*\[\(.*\)\].*/\1/' $thp) old_huge=$(cat /proc/sys/vm/nr_hugepages)
trap 'echo "$old_thp" > $thp; echo "$old_huge" > /proc/sys/vm/nr_hugepages' EXIT
heap='-Xms3g -Xmx3g -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED'
run() { # name jar peers jvm-extra benchmarks
    echo "=== $1: $2 peers $3 [$4] $5 ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$J" -cp "$2" org.openjdk.jmh.Main "PeerTableBench.($5)\$" -p peers=$3 -f 1 -wi 2 -i 5 -w 1s -r 1s \
        -jvmArgs "$heap $4 -Xlog:gc*:file=$out/$1.gc.log::filecount=0" -rf json -rff "$out/$1.json" \
        | grep -E '^(Benchmark|PeerTableBench)' &
    local pid=$!
    sleep 12; grep -E 'AnonHugePages|ShmemPmdMapped|HugePages_Total' /proc/meminfo | tr -s ' ' | paste -sd' '
    wait $pid
    grep -hE 'Large Page|Heap Backing Filesystem' "$out/$1.gc.log" || true
}
main=/tmp/zgc-main.jar off=/tmp/zgc-offheap.jar b='lookup|lookupBatch'
if [[ ${2:-} == shm ]]; then
    for round in a b; do
        run main-g1-$round $main 10000000 -XX:+UseG1GC "$b"
        run main-g1shm-$round $main 10000000 '-XX:+UseG1GC -XX:AllocateHeapAt=/dev/shm' "$b"
    done
    exit 0
fi
if [[ ${2:-} == zgc ]]; then
    for round in a b c; do
        run main-zgc-$round $main 10000000 -XX:+UseZGC "$b"
        run off-zgc-$round $off 10000000 -XX:+UseZGC "$b"
        echo advise > $thp
        run main-zgcthp-$round $main 10000000 '-XX:+UseZGC -XX:+UseTransparentHugePages' "$b"
        echo "$old_thp" > $thp
    done
    sha256sum $main $off
    exit 0
fi
for round in a b; do
    run main-g1-$round $main 10000000 -XX:+UseG1GC "$b"
    run off-g1-$round $off 10000000 -XX:+UseG1GC "$b"
    run main-zgc-$round $main 10000000 -XX:+UseZGC "$b"
    run off-zgc-$round $off 10000000 -XX:+UseZGC "$b"
    run main-g1thp-$round $main 10000000 '-XX:+UseG1GC -XX:+UseTransparentHugePages' "$b"
    echo advise > $thp
    run main-zgcthp-$round $main 10000000 '-XX:+UseZGC -XX:+UseTransparentHugePages' "$b"
    echo "$old_thp" > $thp
done
echo 2000 > /proc/sys/vm/nr_hugepages
run main-zgchugetlb $main 10000000 '-XX:+UseZGC -XX:+UseLargePages' "$b"
echo "$old_huge" > /proc/sys/vm/nr_hugepages
for jar in main off; do
    for gc in G1 Z; do
        run $jar-${gc,,}-1k /tmp/zgc-$([[ $jar == main ]] && echo main || echo offheap).jar 1000 -XX:+Use${gc}GC lookupBatch
    done
    run $jar-zgc-1m-write /tmp/zgc-$([[ $jar == main ]] && echo main || echo offheap).jar 1000000 -XX:+UseZGC 'insertAll|expireAll'
done
for jar in main offheap; do
    for n in 1000000 10000000; do
        echo "=== footprint $jar $n, ZGC"
        "$J" -XX:+UseZGC -Xms3g -Xmx3g -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED \
            -cp /tmp/zgc-$jar.jar org.jmiredo.bench.jmh.Footprint $n
    done
done
sha256sum $main $off
