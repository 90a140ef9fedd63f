#!/usr/bin/env bash
# once.sh OUT [JMIREDO_JAVA_OPTS]: one start of this tree's bin/jmiredo relay (launcher cache off) in a throw-away
# namespace; the ms from exec to the first /readyz 200 into OUT.ready, everything it printed into OUT.log, stopped
# 0.5 s after ready. Not a measurement (no lock): what a start prints, and diagnostics with -Xlog options.
set -uo pipefail
OUT=$1; O=${2:-}
source "$(dirname "$(readlink -f "$0")")/ns.sh"
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd -P)
t0=$(date +%s%N)
ip netns exec $NS env JMIREDO_AOT_CACHE=${CACHE:-off} JMIREDO_JAVA_OPTS="$O" $ROOT/bin/jmiredo relay --config $JMD/relay.conf >$OUT.log 2>&1 &
P=$!
until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do
  kill -0 $P 2>/dev/null || { cat $OUT.log >&2; exit 1; }; sleep 0.005; done
echo $(( ($(date +%s%N) - t0) / 1000000 )) >$OUT.ready
sleep ${HOLD:-0.5}; kill $P; wait $P
