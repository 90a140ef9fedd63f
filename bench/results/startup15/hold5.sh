#!/usr/bin/env bash
# hold5.sh: the soft heap target set once ready (the branch's last change), under one bench lock:
# 1. busy, variants.sh 7: the branch's launcher against the same with JMIREDO_JAVA_OPTS=-XX:SoftMaxHeapSize=256m (the
#    launcher then gives that at start and no target, as before the change) -> softmax-busy.txt
# 2. run.sh run3: main against the final branch, quiet and busy, 9 pairs each -> quiet-run3.txt, busy-run3.txt
# 3. the cold handshake, REPEAT=2: -XX:SoftMaxHeapSize=256m at start against the target set at ready (the launcher's
#    other options both) -> handshake-jmstartup15-sm/
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=bench/results/startup15
date -u; uptime
bench/results/startup4/busy.sh $R/variants.sh 7 atstart=$PWD:-XX:SoftMaxHeapSize=256m atready=$PWD > $R/softmax-busy.txt 2>&1
tail -2 $R/softmax-busy.txt
date -u; uptime
$R/run.sh run3
date -u; uptime
D="-XX:+UseZGC -XX:InitialHeapSize=16m --sun-misc-unsafe-memory-access=allow -XX:Tier3InvocationThreshold=1000 -XX:Tier3MinInvocationThreshold=500 -XX:Tier3CompileThreshold=10000 -XX:Tier3BackEdgeThreshold=300000"
LAB_PREFIX=jmstartup15-sm RESULTS=$PWD/$R RELAYS="jmiredo@atstart jmiredo@atready" OPTS_atstart="$D -XX:SoftMaxHeapSize=256m" \
  OPTS_atready="$D -Djmiredo.soft-max-heap-size=268435456" REPEAT=2 bench/handshake.sh > $R/handshake-sm.log 2>&1
sed -n '/^variant  /,/^$/p' $R/handshake-sm.log
date -u; uptime
