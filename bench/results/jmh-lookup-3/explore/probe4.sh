#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
run() { # jar thp bench peers
  echo "=== $1 thp='$2' $3 $4"; uptime
  $J -cp $1/relay-bench.jar org.openjdk.jmh.Main "PeerTableBench.($3)\$" -p peers=$4 -f 1 -wi 2 -i 4 -w 1s -r 1s \
     -jvmArgs "-Xms6g -Xmx6g -XX:+AlwaysPreTouch $2 --enable-native-access=ALL-UNNAMED" 2>&1 | grep -E "^PeerTableBench"
}
run /tmp/lookup-v2 "" "peekAll" 1000
for thp in "" "-XX:+UseTransparentHugePages"; do
  run /tmp/lookup-v2 "$thp" "lookupBatch|peekAll" 10000000
  run /tmp/lookup-v3 "$thp" "peekAll" 10000000
done
uptime
