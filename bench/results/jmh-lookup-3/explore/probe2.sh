#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for thp in "" "-XX:+UseTransparentHugePages"; do
 for jar in /tmp/lookup-base /tmp/lookup-v1; do
  echo "=== $jar thp='$thp'"; uptime
  ( sleep 20; grep AnonHuge /proc/meminfo ) &
  $J -cp $jar/relay-bench.jar org.openjdk.jmh.Main 'PeerTableBench.(lookup|peek)' -p peers=10000000 -f 1 -wi 2 -i 3 -w 1s -r 1s \
     -jvmArgs "-Xms6g -Xmx6g -XX:+AlwaysPreTouch $thp --enable-native-access=ALL-UNNAMED" 2>&1 | grep -E "^PeerTableBench|^Benchmark"
  wait
 done
done
