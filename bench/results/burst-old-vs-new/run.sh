#!/usr/bin/env bash
# Old (main, /work/wt/base) against new (branch burst), alternating, one lock for the whole run:
#   flock /tmp/jmiredo-bench.lock bench/results/burst-old-vs-new/run.sh > bench/results/burst-old-vs-new/run.txt
# compare.sh writes its results directory into the tree it runs from; the base tree's are moved here after.
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
for tree in /work/wt/base /work/wt/burst /work/wt/base /work/wt/burst; do
  echo "##### $tree $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd $tree && RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 \
    bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results")
done
echo "##### handshake $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
cd /work/wt/burst && PRIME_RATE=100000 REPEAT=2 RELAYS="jmiredo@base jmiredo@new" \
  JAR_base=/work/wt/base/relay-server/target/jmiredo.jar JAR_new=/work/wt/burst/relay-server/target/jmiredo.jar \
  bench/handshake.sh 2>&1 | tail -30
