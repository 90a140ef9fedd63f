#!/usr/bin/env bash
# rss.sh N: the relay's RSS after start through each tree's launcher with its archive (main: -XX:SoftMaxHeapSize=256m at
# start; this branch: the target set at ready), N rounds alternating: RSS (MiB) and ZGC's heap capacity 5 s and 20 s
# after ready. Under the lock.
set -uo pipefail
N=${1:-3}
source "$(dirname "$(readlink -f "$0")")/ns.sh"
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd -P)
declare -A T=([old]=/work/wt/base-startup15 [new]=$ROOT)
one() { # label cache-dir
  ip netns exec $NS env JMIREDO_AOT_CACHE=$2 ${T[$1]}/bin/jmiredo relay --config $JMD/relay.conf >$JMD/rss.log 2>&1 &
  local P=$! out="$1"
  until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do sleep 0.01; done
  for s in 5 15; do sleep $s
    out="$out rss $(awk '/VmRSS/ {print int($2/1024)}' /proc/$P/status) heap $($JAVA_HOME/bin/jcmd $P GC.heap_info | awk '/ZHeap/ {print $3 "/" $5}')"
  done
  echo "$out"; kill $P; wait $P
}
for l in old new; do mkdir -p $JMD/rss-$l; one $l $JMD/rss-$l >/dev/null; done
for i in $(seq $N); do one old $JMD/rss-old; one new $JMD/rss-new; done
