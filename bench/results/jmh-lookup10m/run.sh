#!/bin/bash
# Peer-table lookups at 10 M (and 1 M) peers, main's locked lookups against the burst lookups of branch
# lookup10m, in alternating rounds (BENCHMARKS.md "Sixth iteration"). Run from the repository root as
#   flock /tmp/jmiredo-bench.lock bench/results/jmh-lookup10m/run.sh OUTDIR
# with the jars built beforehand (./mvnw -q -B -o -pl relay-bench -am package -DskipTests, copied):
#   /tmp/lk10m-base.jar  main 1c977f1 (git archive main, built in /tmp/lk10m-base)
#   /tmp/lk10m-new.jar   this branch
#   /tmp/lk10m-lock.jar  (run2 only) main with this branch's SegmentLock.java alone
# ZGC as the launcher runs it; the table is off the heap and asks for huge pages (THP enabled = madvise).
set -euo pipefail
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$1
mkdir -p "$out"
run() { # name jar peers benchmarks [class] [more JMH options]
    echo "=== $1: $3 peers $4 ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$J" -cp "$2" org.openjdk.jmh.Main "${5:-PeerTableBench}.($4)\$" -p peers=$3 ${6:-} -f 1 -wi 3 -i 5 -w 1s -r 1s \
        -jvmArgs '-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseZGC --enable-native-access=ALL-UNNAMED' \
        -rf json -rff "$out/$1.json" | grep -E '^(Benchmark|PeerTableBench|RelayRulesBench)'
}
base=/tmp/lk10m-base.jar new=/tmp/lk10m-new.jar
for round in ${ROUNDS:-a b c}; do
    run base-10m-$round $base 10000000 'lookupBatch'
    run new-10m-$round $new 10000000 'lookupBatch|lookupBurst|hashBatch'
    # main with only the version lock: does the version cost the locked lookups anything?
    [[ -z ${ONLY10M:-} ]] || run lock-10m-$round /tmp/lk10m-lock.jar 10000000 'lookupBatch'
done
[[ -z ${ONLY10M:-} ]] || exit 0 # a second look at 10 M: ROUNDS="d e f" ONLY10M=1 ... run.sh bench/results/jmh-lookup10m/run2
for round in a b; do
    run base-1m-$round $base 1000000 'lookupBatch'
    run new-1m-$round $new 1000000 'lookupBatch|lookupBurst'
done
for round in a b; do # the reception rules per datagram, 80 B, 1 M trusted peers
    run rules-base-$round $base 1000000 decode RelayRulesBench '-p size=80'
    run rules-new-$round $new 1000000 'decode|decodeBurst' RelayRulesBench '-p size=80'
done
run new-1k $new 1000 'lookupBatch|lookupBurst|hashBatch'
sha256sum $base $new
