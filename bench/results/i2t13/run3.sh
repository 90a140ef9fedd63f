#!/usr/bin/env bash
# Helper i2t13, thirteenth iteration, a JVM option tried (not made a default): the branch's jar (new2) as it is
# against the same jar with -XX:PerMethodTrapLimit=0 ("trap0": C2 then compiles the branches its profile never
# saw instead of leaving an uncommon trap there, so their first use does not throw the compiled data path out),
# alternating new2 trap0 trap0 new2 (two pairs: what the lock left of the session), the run2.sh soak with the JIT's log:
#   flock /tmp/jmiredo-bench.lock bench/results/i2t13/run3.sh > bench/results/i2t13/out3.txt 2>&1
cd "$(dirname "$0")/../../.."
here=bench/results/i2t13
for v in ${ORDER:-new2 trap0 trap0 new2}; do
  echo "##### $v $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  log=/tmp/i2t13/jit-$v.log
  rm -f "$log"
  extra=
  [[ $v != trap0 ]] || extra=-XX:PerMethodTrapLimit=0
  env SOAK_JAR=/tmp/i2t13/new2.jar LAB_NICE=-10 SAMPLE=1 DIR=i2t DURATION=60 RESULTS=$here \
    JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m $extra -Xlog:jit+compilation=debug,deoptimization=debug:file=$log:uptimemillis" \
    bench/soak.sh 2>&1
  d=$(ls -td $here/soak-* | head -1)
  gzip -c "$log" >"$d/jit.log.gz"
  echo "results $v: $d"
done
