#!/bin/sh
# EvictionBench (a new peer into a full table of 1,000,000: every insert evicts one), alternated in one run:
#   main.jar    relay-bench built at 1c977f1 (main when this branch started: CLOCK with a hand kept in order)
#   home.jar    relay-bench built at this branch's "eviction starts at the new key's home" commit
# Usage: flock /tmp/jmiredo-bench.lock bench/results/eviction/run.sh
set -e
dir=$(dirname "$0")
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
for round in 1 2; do
    for v in home main; do
        "$java" -Xmx2g --enable-native-access=ALL-UNNAMED -cp "/tmp/hardening-bench/$v.jar" org.openjdk.jmh.Main \
            EvictionBench -f 1 -wi 2 -i 3 -w 1s -r 1s -rf json -rff "$dir/$v-$round.json" > "$dir/$v-$round.txt" 2>&1
    done
done
