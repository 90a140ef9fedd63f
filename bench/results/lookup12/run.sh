#!/bin/bash
# Peer-table burst lookups (PeerTableBench.lookupBurst) at 10 M and 1 M peers: main f68efb9 (base) against
# this branch's variants, one fork per cell, the order of the jars rotated every round, the load average
# before each fork, and how much of the JMH fork's memory transparent huge pages back (AnonHugePages of
# /proc/PID/smaps_rollup, 12 s into the fork: after the fill, during the measurement).
# (BENCHMARKS.md "Twelfth iteration: lookups at 10 M (helper lookup12)".) Run from the repository root:
#   JARS="base=/tmp/lk12-base.jar rh=/tmp/lk12-rh.jar" ROUNDS="a b" ROUNDS1M="a" ROUNDS100K= ROUNDS1K= \
#       flock /tmp/jmiredo-bench.lock bench/results/lookup12/run.sh OUTDIR
# Jars: relay-bench.jar of each build (./mvnw -q -B -o -pl relay-bench -am package -DskipTests), copied.
# JVMARGS adds JVM options to every fork; FOOTPRINT=1 adds bytes per peer at 10 M for each jar. ZGC and the heap as in the earlier sections.
set -uo pipefail
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$1
mkdir -p "$out"
read -ra jars <<< "${JARS:?name=jar ...}"
thp() { # the forked JVM's huge-page share, once, after a delay
    sleep 12
    for p in $(pgrep -f 'org.openjdk.jmh.runner.ForkedMain'); do
        echo "    fork $p: $(grep -E '^(Rss|AnonHugePages)' /proc/$p/smaps_rollup | tr -s ' ' | tr '\n' ' ')"
    done
}
run() { # name jar peers
    echo "=== $1: $3 peers ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
    thp & local t=$!
    "$J" -cp "$2" org.openjdk.jmh.Main 'PeerTableBench.(lookupBurst)$' -p peers=$3 -f 1 -wi 3 -i 5 -w 1s -r 1s \
        -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseZGC --enable-native-access=ALL-UNNAMED ${JVMARGS:-}" \
        -rf json -rff "$out/$1.json" | grep -E '^(PeerTableBench|slot memory)'
    wait $t
}
rounds() { # peers label rounds...
    local peers=$1 label=$2; shift 2
    local r=0
    for round in "$@"; do
        local n=${#jars[@]}
        for ((i = 0; i < n; i++)); do
            local spec=${jars[(i + r) % n]}
            run "${spec%%=*}-$label-$round" "${spec#*=}" "$peers"
        done
        r=$((r + 1))
    done
}
rounds 10000000 10m ${ROUNDS:-a b}
rounds 1000000 1m ${ROUNDS1M:-a}
rounds 100000 100k ${ROUNDS100K:-}
rounds 1000 1k ${ROUNDS1K:-}
if [[ ${FOOTPRINT:-0} == 1 ]]; then # bytes per peer at 10 M (as in "Tenth iteration: Swiss-table tags")
    for spec in "${jars[@]}"; do
        echo "=== footprint ${spec%%=*} 10000000, ZGC ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
        "$J" -XX:+UseZGC -Xms3g -Xmx3g -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED \
            -cp "${spec#*=}" org.jmiredo.bench.jmh.Footprint 10000000
    done
fi
for spec in "${jars[@]}"; do sha256sum "${spec#*=}"; done
