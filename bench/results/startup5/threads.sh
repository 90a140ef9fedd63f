#!/usr/bin/env bash
# threads.sh N TREE...: per tree, a recording start, then N starts with the cache (trees alternating); at the first
# /readyz 200, the CPU (user + system, ms) each thread had used, summed by thread name (digits dropped). Under the lock.
set -uo pipefail
N=$1; shift
source "$(dirname "$(readlink -f "$0")")/ns.sh"
HZ=$(getconf CLK_TCK)
run() { # tree cache
  local P
  ip netns exec $NS env JMIREDO_AOT_CACHE=$2 $1/bin/jmiredo relay --config /tmp/jmstartup5/relay.conf >/tmp/jmstartup5/th.log 2>&1 &
  P=$!
  until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do sleep 0.005; done
  echo "$(basename $1): $(for t in /proc/$P/task/*; do n=$(tr -d '0-9 ' <$t/comm); s=$(sed 's/.*) //' $t/stat); echo "$n $s"; done \
    | awk -v hz=$HZ '{ c[$1] += ($12 + $13) * 1000 / hz; t += ($12 + $13) * 1000 / hz } END { printf "total %d:", t; for (k in c) if (c[k] >= 20) printf " %s %d", k, c[k] }')"
  sleep 0.3; kill $P; wait $P
}
for t in "$@"; do C=/tmp/jmstartup5/aot-th-$(basename $t); rm -rf $C; mkdir -p $C; run $t $C >/dev/null; done
uptime
for i in $(seq $N); do for t in "$@"; do run $t /tmp/jmstartup5/aot-th-$(basename $t); done; done
