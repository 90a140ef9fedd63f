#!/usr/bin/env bash
# The data path with C1's thresholds x5 against without (launcher's default options both), same jar, alternating:
#   flock /tmp/jmiredo-bench.lock bench/results/startup14/datapath.sh [ROUNDS]
# 1. the cold handshake (bench/handshake.sh, 100,000 new peers, REPEAT=ROUNDS): handshake-jmstartup14-hs/
# 2. one point at saturation (bench/compare.sh, 100,000 peers, 80 B, Teredo->IPv6, rate 0, 5 s), ROUNDS times each:
#    compare-<old|c1x5>/<prefix>/
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=$PWD/bench/results/startup14
ROUNDS=${1:-3}
D="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m"
C1="-XX:Tier3InvocationThreshold=1000 -XX:Tier3MinInvocationThreshold=500 -XX:Tier3CompileThreshold=10000 -XX:Tier3BackEdgeThreshold=300000"
date -u; uptime
LAB_PREFIX=jmstartup14-hs RESULTS=$R RELAYS="jmiredo@old jmiredo@c1x5" OPTS_old="$D" OPTS_c1x5="$D $C1" REPEAT=$ROUNDS \
  bench/handshake.sh
date -u; uptime
for i in $(seq $ROUNDS); do
  for v in old c1x5; do
    o=$D; [[ $v == old ]] || o="$D $C1"
    LAB_PREFIX=jmstartup14-c$v$i RESULTS=$R/compare-$v NO_MD=1 RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS=t2i RATES=0 \
      RUNS=1 DURATION=5 JM_JAVA_OPTS="$o" bench/compare.sh
  done
done
date -u; uptime
