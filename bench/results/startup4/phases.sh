#!/usr/bin/env bash
# phases.sh N TREE...: per tree, record a cache, then N starts (trees alternating); PHASE lines in ms from exec
set -uo pipefail
N=$1; shift
source "$(dirname "$(readlink -f "$0")")/ns.sh"
run() { # tree cache
  local t0 t1 P
  t0=$(date +%s%N)
  ip netns exec $NS env JMIREDO_AOT_CACHE=$2 $1/bin/jmiredo relay --config $JMD/relay.conf >$JMD/ph.log 2>&1 &
  P=$!
  until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do sleep 0.005; done
  t1=$(date +%s%N)
  sleep 0.3; kill $P; wait $P
  echo "$(basename $1): readyz $(( (t1-t0)/1000000 )): $(grep PHASE $JMD/ph.log | while read -r _ n ts; do echo -n "$n $(( ($(date -d $ts +%s%N) - t0)/1000000 )) "; done)"
}
for t in "$@"; do C=$JMD/aot-ph-$(basename $t); rm -rf $C; mkdir -p $C; run $t $C >/dev/null; done
uptime
for i in $(seq $N); do for t in "$@"; do run $t $JMD/aot-ph-$(basename $t); done; done
