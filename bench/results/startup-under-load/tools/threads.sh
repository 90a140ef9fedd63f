#!/usr/bin/env bash
# One start of TREE's launcher in a fresh namespace; at the first /readyz 200 prints per-thread CPU (ms).
# usage: threads.sh TREE CACHE_DIR|off [extra JMIREDO_JAVA_OPTS]
set -euo pipefail
TREE=$1 CACHE=$2 OPTS=${3:-}
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
NS=js2$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
D=$(mktemp -d /tmp/jmiredo-threads.XXXX) # kept: relay.log, at-ready.log (the log at the first 200)
PID=
cleanup() { [[ -z "$PID" ]] || kill -9 "$PID" 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$NS"; ip -n "$NS" link set lo up
ip -n "$NS" link add d0 type veth peer name d1; ip -n "$NS" link set d1 up
ip -n "$NS" addr add 198.51.100.3/24 dev d0; ip -n "$NS" link set d0 up
# bench/startup.sh's relay configuration, taken from it.
sed -n '/^jmiredo\.relay\.bind-address/,/^jmiredo\.transport\.event-loops/p' \
    "$(dirname "$(readlink -f "$0")")/../../../startup.sh" >"$D/c.conf"
[[ -s "$D/c.conf" ]] || { echo "no configuration in bench/startup.sh" >&2; exit 1; }
t0=$(date +%s%N)
ip netns exec "$NS" env JAVA_HOME="$JAVA_HOME" JMIREDO_AOT_CACHE="$CACHE" JMIREDO_JAVA_OPTS="$OPTS" \
  "$TREE/bin/jmiredo" relay --config "$D/c.conf" >"$D/relay.log" 2>&1 &
PID=$!
for _ in $(seq 3000); do
  if ip netns exec "$NS" curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; then break; fi
  sleep 0.005
done
t1=$(date +%s%N); cp "$D/relay.log" "$D/at-ready.log"
hz=$(getconf CLK_TCK)
for t in /proc/$PID/task/*; do
  s=$(cat $t/stat); n=$(cat $t/comm)
  echo "$s" | sed 's/.*) //' | awk -v n="$n" -v hz=$hz '{ printf "%6d %s\n", ($12+$13)*1000/hz, n }'
done | sort -rn | awk '{ print; s+=$1 } END { print "total threads", s }' > "$D/threads.txt"
echo "ready after $(( (t1-t0)/1000000 )) ms; process CPU $(sed 's/.*) //' /proc/$PID/stat | awk -v hz=$hz '{print int(($12+$13+$14+$15)*1000/hz)}') ms"
head -15 "$D/threads.txt"
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
echo "dir $D"
