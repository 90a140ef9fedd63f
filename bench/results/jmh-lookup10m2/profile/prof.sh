#!/bin/bash
# Method-level profile of main's lookupBurst (perf record, cpu-clock, DumpPerfMapAtExit):
#   flock /tmp/jmiredo-bench.lock bench/results/jmh-lookup10m2/profile/prof.sh p1k /tmp/lk2-base.jar 1000 lookupBurst
#   flock /tmp/jmiredo-bench.lock bench/results/jmh-lookup10m2/profile/prof.sh p10m /tmp/lk2-base.jar 10000000 lookupBurst
# (perf data in /tmp/lk2, reports in p1k-report.txt and p10m-report.txt here)
# prof.sh name jar peers bench [extra jvm args]
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
name=$1 jar=$2 peers=$3 bench=$4; shift 4
perf record -F 1999 -o /tmp/lk2/$name.data -- "$J" -cp "$jar" org.openjdk.jmh.Main "PeerTableBench.($bench)\$" -p peers=$peers -f 1 -wi 2 -i 3 -w 1s -r 1s \
  -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseZGC --enable-native-access=ALL-UNNAMED -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit $*" 2>&1 | grep -E '^(Benchmark|PeerTableBench)'
perf report -i /tmp/lk2/$name.data --no-children --sort sym 2>/dev/null | grep -v "^#" | grep -v "^$" | head -25
