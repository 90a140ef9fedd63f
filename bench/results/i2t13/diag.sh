#!/usr/bin/env bash
# Helper i2t13, thirteenth iteration: where main's IPv6->Teredo losses at 90 % come from on this host. The
# lead's twelfth-iteration soak (final10/run.sh: 1,000 receive-only peers, 80 B, ZGC, default tunnel queue)
# with SAMPLE=1 (bursts.txt) and the lab in a session of its own at nice -10 (LAB_NICE), then the same with
# 2,000 pkt/s of return traffic (RETURN_RATE), which keeps the peers trusted:
#   flock /tmp/jmiredo-bench.lock bench/results/i2t13/diag.sh > bench/results/i2t13/diag.txt 2>&1
# SOAK_JAR: the jar under test (default: main 96dfb19's, built to /tmp/i2t13/old.jar).
cd "$(dirname "$0")/../../.."
here=bench/results/i2t13
for ret in ${RETURNS:-0 2000}; do
  echo "##### return $ret $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  extra=()
  [[ $ret == 0 ]] || extra=(RETURN_RATE=$ret)
  env "${extra[@]}" SOAK_JAR=${SOAK_JAR:-/tmp/i2t13/old.jar} LAB_NICE=-10 SAMPLE=1 DIR=i2t DURATION=60 RESULTS=$here \
    JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m" bench/soak.sh 2>&1
  echo "results: $(ls -td $here/soak-* | head -1)"
done
