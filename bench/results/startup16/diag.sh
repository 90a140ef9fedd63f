#!/usr/bin/env bash
# diag.sh OUT JVM-OPTIONS...: one start of this tree's jar with the launcher's default options (ZGC, heap, C1 x5) and
# the options given (e.g. -XX:SharedArchiveFile=... -Xlog:class+load:file=...); the ms from exec to the first /readyz
# 200 into OUT.ready, the relay's output into OUT.log. Not a measurement.
set -uo pipefail
OUT=$1; shift
source "$(dirname "$(readlink -f "$0")")/ns.sh"
ROOT=${ROOT:-$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd -P)}
t0=$(date +%s%N)
ip netns exec $NS $JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED -XX:+UseZGC -XX:SoftMaxHeapSize=256m --sun-misc-unsafe-memory-access=allow \
  -XX:InitialHeapSize=16m -XX:Tier3InvocationThreshold=1000 -XX:Tier3MinInvocationThreshold=500 \
  -XX:Tier3CompileThreshold=10000 -XX:Tier3BackEdgeThreshold=300000 "$@" \
  -jar $ROOT/relay-server/target/jmiredo.jar relay --config $JMD/relay.conf >$OUT.log 2>&1 &
P=$!
until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do
  kill -0 $P 2>/dev/null || { cat $OUT.log >&2; exit 1; }; sleep 0.005; done
echo $(( ($(date +%s%N) - t0) / 1000000 )) >$OUT.ready
sleep ${HOLD:-0.5}; kill $P; wait $P
