#!/bin/bash
# The metrics endpoint of a live relay under two abuses, old tree against new, in a throwaway pair of
# namespaces (relay 198.51.100.3 in R, the abusing host 198.51.100.9 in A):
#  pipeline: 50,000 pipelined "GET /metrics" (1.3 MB) from a client that never reads; the relay's RSS and
#            whether /healthz answers meanwhile (curl -m 3 from the relay's own namespace; 000 = no answer).
#  slowloris: 70 connections from A, each sending a byte a second and never a whole request line; then
#            three scrapes of /metrics from 127.0.0.1.
# Usage (as root): flock /tmp/jmiredo-bench.lock bench/results/metrics-endpoint-abuse/run.sh OLD_TREE NEW_TREE
set -eu
OLD=$1 NEW=$2
HERE=$(cd "$(dirname "$0")" && pwd)
P=mea$$
R=${P}r A=${P}a
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  ip netns del $R 2>/dev/null || true
  ip netns del $A 2>/dev/null || true
}
trap cleanup EXIT
ip netns add $R; ip netns add $A
ip link add ${P}r type veth peer name ${P}a
ip link set ${P}r netns $R; ip link set ${P}a netns $A
ip -n $R addr add 198.51.100.3/24 dev ${P}r; ip -n $R link set ${P}r up; ip -n $R link set lo up
ip -n $A addr add 198.51.100.9/24 dev ${P}a; ip -n $A link set ${P}a up; ip -n $A link set lo up
CONF=$(mktemp); printf '%s\n' 'jmiredo.relay.bind-address = "198.51.100.3"' "jmiredo.tun.name = \"${P}t\"" \
  'jmiredo.metrics.listen = "0.0.0.0:9544"' > "$CONF"

start() {
  JMIREDO_AOT_CACHE=off ip netns exec $R "$1/bin/jmiredo" relay --config "$CONF" > "/tmp/$P.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do
    [ "$(ip netns exec $R curl -s -m 1 127.0.0.1:9544/readyz || true)" = ready ] && break; sleep 0.2
  done
  JPID=$(for p in $(ip netns pids $R); do [ "$(cat /proc/$p/comm)" = java ] && echo $p; done | head -1)
}
stop() { kill "$PID"; wait "$PID" || true; PID=; }
rss() { awk '/VmRSS/ {print $2 " KiB"}' /proc/$JPID/status; }

for tree in "$OLD" "$NEW"; do
  echo "##### $tree ($(git -C "$tree" rev-parse --short HEAD))"
  start "$tree"
  echo "pipeline: RSS before $(rss)"
  ip netns exec $A python3 "$HERE/pipeline.py" 198.51.100.3 50 8 &
  for i in 1 2 3 4 5 6 7 8; do
    sleep 1
    echo "pipeline: t=${i}s RSS $(rss), /healthz $(ip netns exec $R curl -s -m 3 -o /dev/null -w '%{http_code}' 127.0.0.1:9544/healthz || true)"
  done
  wait $!
  stop
  start "$tree"
  ip netns exec $A python3 "$HERE/slowloris.py" 198.51.100.3 70 6 &
  sleep 2
  for i in 1 2 3; do
    echo "slowloris: scrape $i: $(ip netns exec $R curl -s -m 3 -o /dev/null -w '%{http_code}' 127.0.0.1:9544/metrics || true)"
  done
  wait $!
  ip netns exec $R curl -s 127.0.0.1:9544/metrics | grep '^jmiredo_metrics_connections_refused_total' || true
  stop
done
rm -f "$CONF" "/tmp/$P.log"
