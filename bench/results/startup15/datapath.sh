#!/usr/bin/env bash
# The data path with --sun-misc-unsafe-memory-access=allow (Netty with sun.misc.Unsafe) against without (the launcher's
# other default options both: ZGC, heap, C1 x5), same jar, alternating:
#   flock /tmp/jmiredo-bench.lock bench/results/startup15/datapath.sh [ROUNDS]
# 1. the cold handshake (bench/handshake.sh, 100,000 new peers, REPEAT=ROUNDS): handshake-jmstartup15-hs/
# 2. one point at saturation (bench/compare.sh, 100,000 peers, 80 B, Teredo->IPv6, rate 0, 5 s), ROUNDS times each:
#    compare-<old|unsafe>/<prefix>/
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=$PWD/bench/results/startup15
ROUNDS=${1:-3}
D="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m -XX:Tier3InvocationThreshold=1000 -XX:Tier3MinInvocationThreshold=500 -XX:Tier3CompileThreshold=10000 -XX:Tier3BackEdgeThreshold=300000"
U="--sun-misc-unsafe-memory-access=allow"
date -u; uptime
LAB_PREFIX=jmstartup15-hs RESULTS=$R RELAYS="jmiredo@old jmiredo@unsafe" OPTS_old="$D" OPTS_unsafe="$D $U" REPEAT=$ROUNDS \
  bench/handshake.sh
date -u; uptime
[[ -n ${HS_ONLY:-} ]] && exit 0
for i in $(seq $ROUNDS); do
  for v in old unsafe; do
    o=$D; [[ $v == old ]] || o="$D $U"
    LAB_PREFIX=jmstartup15-c$v$i RESULTS=$R/compare-$v NO_MD=1 RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS=t2i RATES=0 \
      RUNS=1 DURATION=5 JM_JAVA_OPTS="$o" bench/compare.sh
  done
done
date -u; uptime
