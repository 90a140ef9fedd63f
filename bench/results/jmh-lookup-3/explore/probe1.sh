#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for thp in "" "-XX:+UseTransparentHugePages"; do
  echo "=== base thp='$thp'"; uptime
  $J -cp /tmp/lookup-base/relay-bench.jar org.openjdk.jmh.Main 'PeerTableBench.lookup' -p peers=10000000 -f 1 -wi 2 -i 3 -w 1s -r 1s \
     -jvmArgs "-Xms6g -Xmx6g -XX:+AlwaysPreTouch $thp --enable-native-access=ALL-UNNAMED" 2>&1 | grep -E "^PeerTableBench|^Benchmark"
done
