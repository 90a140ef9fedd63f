#!/bin/bash
# A third line per probe (branch HEAD 5d1274c plus ahead2 = the line after the next, read in the second pass),
# /tmp/lk10m-x3.jar, against /tmp/lk10m-new.jar; run as flock -w 1200 /tmp/jmiredo-bench.lock run.sh. Not kept.
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for round in a b; do
  for v in new x3; do
    echo "=== $v-$round $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    $J -cp /tmp/lk10m-$v.jar org.openjdk.jmh.Main 'PeerTableBench.(lookupBurst)$' -p peers=10000000 -f 1 -wi 3 -i 5 -w 1s -r 1s \
      -jvmArgs '-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseZGC --enable-native-access=ALL-UNNAMED' | grep -E '^PeerTableBench'
  done
done
