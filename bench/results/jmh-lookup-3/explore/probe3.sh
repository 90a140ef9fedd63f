#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for jar in /tmp/lookup-v2; do
  echo "=== $jar"; uptime
  $J -cp $jar/relay-bench.jar org.openjdk.jmh.Main 'PeerTableBench.(lookupBatch|peekBatch|peekAll)' -p peers=10000000 -f 1 -wi 2 -i 5 -w 1s -r 1s \
     -jvmArgs "-Xms6g -Xmx6g -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED" 2>&1 | grep -E "^PeerTableBench|^Benchmark|Iteration"
  uptime
done
