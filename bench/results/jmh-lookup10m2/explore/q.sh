#!/bin/bash
# q.sh jar peers benches [extra jvm args]
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
"$J" -cp "$1" org.openjdk.jmh.Main "PeerTableBench.($3)\$" -p peers=$2 -f 1 -wi 3 -i 5 -w 1s -r 1s \
  -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseZGC --enable-native-access=ALL-UNNAMED ${4:-}" 2>&1 | grep -E '^PeerTableBench' | sed "s|^|$(basename $1) ${4:-} $(cut -d' ' -f1 /proc/loadavg) |"
