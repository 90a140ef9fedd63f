#!/usr/bin/env bash
# phases.sh TREE N: N starts (cache recorded first), PHASE lines relative to exec
set -uo pipefail
TREE=$1; N=${2:-3}
source "$(dirname "$(readlink -f "$0")")/relayns.sh"
C=/tmp/su3/aot-phases-$(basename $TREE); mkdir -p $C
for i in $(seq 0 $N); do
t0=$(date +%s%N)
ip netns exec $NS env JMIREDO_AOT_CACHE=$C $TREE/bin/jmiredo relay --config /tmp/su3/relay.conf >/tmp/su3/ph.log 2>&1 &
P=$!
until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do sleep 0.005; done
t1=$(date +%s%N)
sleep 0.3; kill $P; wait $P
[[ $i == 0 ]] && continue
echo "start $i: readyz $(( (t1-t0)/1000000 )) ms: $(grep PHASE /tmp/su3/ph.log | while read -r _ n ts; do echo -n "$n $(( ($(date -d $ts +%s%N) - t0)/1000000 )) "; done)"
done
