#!/usr/bin/env bash
# The cold handshake after a restart with each start-up cache, as the launcher records them (one start to ready and
# a SIGTERM 3 s later, the handshake warm-up's time included): the AOT cache (its method profiles, JEP 515) against
# the dynamic CDS archive (none), both with the launcher's options (ZGC, C1 x5), one jar copy outside the tree:
#   flock /tmp/jmiredo-bench.lock bench/results/startup14/hs-cache.sh [REPEAT]   -> handshake-jmstartup14-hc/
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=$PWD/bench/results/startup14
source $R/ns.sh
D="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m -XX:Tier3InvocationThreshold=1000 -XX:Tier3MinInvocationThreshold=500 -XX:Tier3CompileThreshold=10000 -XX:Tier3BackEdgeThreshold=300000"
J=$JMD/hs.jar
cp -p relay-server/target/jmiredo.jar $J
rm -f $JMD/hs.aot $JMD/hs.jsa
train() { # record options...
  ip netns exec $NS $JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED $D "$@" -jar $J relay --config $JMD/relay.conf \
    >$JMD/hs-train.log 2>&1 &
  local P=$!
  until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do sleep 0.01; done
  sleep 3; kill $P; wait $P
}
train -XX:AOTCacheOutput=$JMD/hs.aot -Xlog:aot=error
train -XX:ArchiveClassesAtExit=$JMD/hs.jsa -Xlog:cds=off
ls -la $JMD/hs.aot $JMD/hs.jsa
date -u; uptime
LAB_PREFIX=jmstartup14-hc RESULTS=$R RELAYS="jmiredo@aot jmiredo@jsa" JAR_aot=$J JAR_jsa=$J \
  OPTS_aot="$D -XX:AOTCache=$JMD/hs.aot" OPTS_jsa="$D -XX:SharedArchiveFile=$JMD/hs.jsa -Xlog:cds=off" REPEAT=${1:-3} \
  bench/handshake.sh
date -u; uptime
