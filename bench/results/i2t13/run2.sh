#!/usr/bin/env bash
# Helper i2t13, thirteenth iteration, second A/B: main's jar (old, 96dfb19) against the branch's final one (new2:
# the trust renewal, and the handshake warm-up's passes through the renewal and the lapse of trust), alternating
# old new2 new2 old old new2 in one lock session, the run.sh soak (1,000 receive-only peers, 80 B, ZGC, default
# tunnel queue, LAB_NICE=-10, SAMPLE=1) with the JIT's compilations and deoptimizations logged
# (-Xlog:jit+compilation=debug,deoptimization=debug, uptime in ms, jit.log.gz in each soak's directory):
#   flock /tmp/jmiredo-bench.lock bench/results/i2t13/run2.sh > bench/results/i2t13/out2.txt 2>&1
# ORDER names the variants: a jar of /tmp/i2t13, or trap0 (new2.jar with -XX:PerMethodTrapLimit=0, run3.sh).
cd "$(dirname "$0")/../../.."
here=bench/results/i2t13
for v in ${ORDER:-old new2 new2 old old new2}; do
  echo "##### $v $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  log=/tmp/i2t13/jit-$v.log
  rm -f "$log"
  jar=$v extra=
  [[ $v != trap0 ]] || { jar=new2; extra=-XX:PerMethodTrapLimit=0; }
  env SOAK_JAR=/tmp/i2t13/$jar.jar LAB_NICE=-10 SAMPLE=1 DIR=i2t DURATION=60 RESULTS=$here \
    JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m $extra -Xlog:jit+compilation=debug,deoptimization=debug:file=$log:uptimemillis" \
    bench/soak.sh 2>&1
  d=$(ls -td $here/soak-* | head -1)
  gzip -c "$log" >"$d/jit.log.gz"
  echo "results $v: $d"
done
