#!/bin/bash
# Peer-table burst lookups at 10 M and 1 M peers: main (01b3ccd) against branch lookup10m2, alternating
# rounds, one fork each (BENCHMARKS.md "Seventh iteration: lookups at 10 M"). Run from the repository root:
#   flock /tmp/jmiredo-bench.lock bench/results/jmh-lookup10m2/run.sh OUTDIR
# with the jars built beforehand (./mvnw -q -B -o -pl relay-bench -am package -DskipTests, then copied):
#   /tmp/lk2-base.jar  relay-bench.jar of /work/wt/base (main 01b3ccd)
#   /tmp/lk2-new.jar   relay-bench.jar of this branch at fc0f9d3: the probes walked in passes (reverted)
#   FIX=...            a third jar, "fix": main with the ahead line fixed alone (beginUnlocked's next
#                      line from the absolute word): run3 /tmp/lk2-fix.jar, built from a `git archive` of main
#                      with that change; run4 /tmp/lk2-final.jar, this branch's final code (the same change)
# run1 (load 5.7 to 10.4 from others' unlocked e2e runs: unusable): run.sh bench/results/jmh-lookup10m2
#   (files moved to run1/ afterwards)
# run2: ROUNDS="a b c d" ... run.sh bench/results/jmh-lookup10m2/run2
# run3: ROUNDS="a b" ROUNDS1M="a b" FIX=/tmp/lk2-fix.jar ... run.sh bench/results/jmh-lookup10m2/run3
# run4: ROUNDS="a b c" ROUNDS1M="a b" FIX=/tmp/lk2-final.jar ... run.sh bench/results/jmh-lookup10m2/run4
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
base=/tmp/lk2-base.jar new=/tmp/lk2-new.jar
for round in ${ROUNDS:-a b c}; do
    run base-10m-$round $base 10000000 'lookupBurst'
    run new-10m-$round $new 10000000 'lookupBurst'
    [[ -z ${FIX:-} ]] || run fix-10m-$round "$FIX" 10000000 'lookupBurst'
done
for round in ${ROUNDS1M:-a b}; do
    run base-1m-$round $base 1000000 'lookupBurst'
    run new-1m-$round $new 1000000 'lookupBurst'
    [[ -z ${FIX:-} ]] || run fix-1m-$round "$FIX" 1000000 'lookupBurst'
done
run base-1k $base 1000 'lookupBurst'
run new-1k $new 1000 'lookupBurst'
sha256sum $base $new ${FIX:-}
