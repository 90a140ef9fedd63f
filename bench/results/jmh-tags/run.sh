#!/bin/bash
# Peer-table burst lookups at 10 M, 1 M and 1,000 peers: main (1a758c7) against branch tags (a one-byte
# tag per slot, Swiss-table style), alternating rounds, one fork each, the load average before each fork;
# then bytes per peer at 10 M (Footprint) for both (BENCHMARKS.md "Tenth iteration: Swiss-table tags").
# Adapted from bench/results/jmh-lookup10m2/run.sh. Run from the repository root:
#   bench/results/jmh-tags/run.sh OUTDIR
# It takes the bench lock itself for each old/new pair, after waiting (outside the lock, at most WAIT
# seconds, default 300) for the 1-minute load average to fall below QUIET (default 2.0): the host is
# shared, and others' unit tests (which take no lock) spread the figures by +-50 % at load 8.
# with the jars built beforehand (./mvnw -q -B -o -pl relay-bench -am package -DskipTests, then copied):
#   /tmp/tags-base.jar  relay-bench.jar of /work/wt/base (main 1a758c7)
#   /tmp/tags-new.jar   relay-bench.jar of this branch (NEW=... to name another)
# ROUNDS / ROUNDS1M / ROUNDS100K / ROUNDS1K name the rounds at 10 M / 1 M / 100,000 / 1,000 peers; FOOTPRINT=0 skips the
# footprint; BENCH=regex runs other PeerTableBench methods than lookupBurst (e.g. "lookup|insertAll").
# ZGC as the launcher runs it; the table is off the heap and asks for huge pages (THP enabled = madvise).
set -euo pipefail
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$1
mkdir -p "$out"
run() { # name jar peers benchmarks
    echo "=== $1: $3 peers $4 ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$J" -cp "$2" org.openjdk.jmh.Main "PeerTableBench.($4)\$" -p peers=$3 -f 1 -wi 3 -i 5 -w 1s -r 1s \
        -jvmArgs '-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseZGC --enable-native-access=ALL-UNNAMED' \
        -rf json -rff "$out/$1.json" | grep -E '^(Benchmark|PeerTableBench)'
}
quiet() { # waits for a 1-minute load average below QUIET, WAIT seconds at most
    for ((s = 0; s < ${WAIT:-300}; s += 5)); do
        awk -v q="${QUIET:-2.0}" '{ exit !($1 < q) }' /proc/loadavg && return
        sleep 5
    done
}
pair() { # name peers: base then new (new then base from the second pair on, every other), one lock
    quiet
    exec 9>/tmp/jmiredo-bench.lock
    flock 9
    if (( pairs++ % 2 == 0 )); then
        run base-$1 $base $2 "${BENCH:-lookupBurst}"
        run new-$1 $new $2 "${BENCH:-lookupBurst}"
    else
        run new-$1 $new $2 "${BENCH:-lookupBurst}"
        run base-$1 $base $2 "${BENCH:-lookupBurst}"
    fi
    exec 9>&-
}
pairs=0
base=/tmp/tags-base.jar new=${NEW:-/tmp/tags-new.jar}
for round in ${ROUNDS:-a b c}; do
    pair 10m-$round 10000000
done
for round in ${ROUNDS1M:-a b}; do
    pair 1m-$round 1000000
done
for round in ${ROUNDS100K:-}; do
    pair 100k-$round 100000
done
for round in ${ROUNDS1K:-a}; do
    pair 1k-$round 1000
done
if [[ ${FOOTPRINT:-1} == 1 ]]; then
    exec 9>/tmp/jmiredo-bench.lock
    flock 9
    for jar in base new; do
        echo "=== footprint $jar 10000000, ZGC ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
        "$J" -XX:+UseZGC -Xms3g -Xmx3g -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED \
            -cp "${!jar}" org.jmiredo.bench.jmh.Footprint 10000000
    done
    exec 9>&-
fi
sha256sum $base $new
