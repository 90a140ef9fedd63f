#!/usr/bin/env bash
# threads1.sh OUT [JMIREDO_JAVA_OPTS]: one start of this tree's bin/jmiredo relay with its own cache in /tmp/jmstartup15/cache-t
# (recorded first if missing); at the first /readyz 200, every thread's CPU (ms) by name into OUT. Not a measurement.
set -uo pipefail
OUT=$1; O=${2:-}
source "$(dirname "$(readlink -f "$0")")/ns.sh"
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd -P)
HZ=$(getconf CLK_TCK); C=${CACHE:-$JMD/cache-t}; mkdir -p $C
go() {
  ip netns exec $NS env JMIREDO_AOT_CACHE=$C JMIREDO_JAVA_OPTS="$O" $ROOT/bin/jmiredo relay --config $JMD/relay.conf >$OUT.log 2>&1 &
  P=$!; t0=$(date +%s%N)
  until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do sleep 0.005; done
  echo "ready $(( ($(date +%s%N) - t0) / 1000000 ))" >$OUT
  for t in /proc/$P/task/*; do n=$(tr ' ' _ <$t/comm); s=$(sed 's/.*) //' $t/stat); echo "$n $s"; done \
    | awk -v hz=$HZ '{ printf "%s %d\n", $1, ($12 + $13) * 1000 / hz }' | sort -k2 -nr >>$OUT
  sleep ${HOLD:-0.5}; kill $P; wait $P
}
[[ -n "$(ls $C)" ]] || HOLD=3 go
go
