#!/usr/bin/env bash
# Helper i2t13: the same soak as run.sh, the branch's jar only, with the relay at the lab's nice (-10, as the
# generator: "same") and at nice -15 inside the lab's session ("relay-15": RELAY_NICE, the relay gets the CPU
# before the generator, which shares its autogroup), alternating same relay-15 relay-15 same same relay-15:
#   flock /tmp/jmiredo-bench.lock bench/results/i2t13/run-nice.sh > bench/results/i2t13/out-nice.txt 2>&1
cd "$(dirname "$0")/../../.."
here=bench/results/i2t13
for v in ${ORDER:-same relay-15 relay-15 same same relay-15}; do
  echo "##### $v $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  extra=()
  [[ $v == same ]] || extra=(RELAY_NICE=-15)
  env "${extra[@]}" SOAK_JAR=/tmp/i2t13/${JAR:-new}.jar LAB_NICE=-10 SAMPLE=1 DIR=i2t DURATION=60 RESULTS=$here \
    JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m" bench/soak.sh 2>&1
  echo "results $v: $(ls -td $here/soak-* | head -1)"
done
