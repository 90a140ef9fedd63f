#!/bin/sh
# EvictionBench before (main's SlotArray) and after (the unused-new-peer search), alternated, one lock.
# Jars: relay-bench/target/relay-bench.jar built from 1c977f1's SlotArray (old) and from this branch (new).
set -e
dir=$(dirname "$0")
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
for round in 1 2; do
    for v in new old; do
        "$java" -Xmx2g -cp "/tmp/hardening-bench/$v.jar" org.openjdk.jmh.Main EvictionBench -f 1 -wi 2 -i 3 -w 1s -r 1s \
            -rf json -rff "$dir/$v-$round.json" > "$dir/$v-$round.txt"
    done
done
