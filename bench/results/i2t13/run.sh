#!/usr/bin/env bash
# Helper i2t13, thirteenth iteration: IPv6->Teredo at 90 % of each run's own maximum for 60 s, main's jar (old,
# 96dfb19) against the branch's (new: relay.trust-renewal = 5s by default), alternating old new new old old new in
# one lock session; the lead's twelfth-iteration soak (1,000 receive-only peers, 80 B, ZGC, default tunnel queue
# of 4,096) with the lab in a session of its own at nice -10 (LAB_NICE) and SAMPLE=1 (bursts.txt):
#   flock /tmp/jmiredo-bench.lock bench/results/i2t13/run.sh > bench/results/i2t13/out.txt 2>&1
# The jars: /tmp/i2t13/old.jar (main 96dfb19, relay-server/target/jmiredo.jar) and /tmp/i2t13/new.jar (this branch).
cd "$(dirname "$0")/../../.."
here=bench/results/i2t13
for v in ${ORDER:-old new new old old new}; do
  echo "##### $v $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  env ${EXTRA:-} SOAK_JAR=/tmp/i2t13/$v.jar LAB_NICE=-10 SAMPLE=1 DIR=i2t DURATION=60 RESULTS=$here \
    JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m" bench/soak.sh 2>&1
  echo "results $v: $(ls -td $here/soak-* | head -1)"
done
