#!/bin/bash
# A/B of HandshakeBench: the base jar and the changed one, alternating.
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for i in 1 2; do
  for v in jmh jmh2; do
    echo "== $v run $i"; uptime
    $J -cp /tmp/hs/relay-bench-$v.jar org.openjdk.jmh.Main HandshakeBench -f 1 -wi 3 -i 4 -w 1s -r 1s -prof gc 2>&1 | grep -E '^HandshakeBench'
  done
done
