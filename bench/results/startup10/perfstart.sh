#!/usr/bin/env bash
# perf record of one start of TREE/bin/jmiredo relay (cache dir CACHE), killed at the first /readyz 200.
set -euo pipefail
TREE=$1 CACHE=$2 OUT=$3
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
NS=jsp$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
D=$(mktemp -d /tmp/jmiredo-perf.XXXX)
PID=
cleanup() { [[ -z "$PID" ]] || kill -9 "$PID" 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$NS"; ip -n "$NS" link set lo up
ip -n "$NS" link add d0 type veth peer name d1; ip -n "$NS" link set d1 up
ip -n "$NS" addr add 198.51.100.3/24 dev d0; ip -n "$NS" link set d0 up
sed -n '/^jmiredo\.relay\.bind-address/,/^jmiredo\.transport\.event-loops/p' /work/main/bench/startup.sh >"$D/c.conf"
perf record -F 1999 -g -o "$OUT" -- ip netns exec "$NS" env JAVA_HOME="$JAVA_HOME" JMIREDO_AOT_CACHE="$CACHE" \
  JMIREDO_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit" \
  "$TREE/bin/jmiredo" relay --config "$D/c.conf" >"$D/relay.log" 2>&1 &
PID=$!
t0=$(date +%s%N)
for _ in $(seq 3000); do
  if ip netns exec "$NS" curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; then break; fi
  sleep 0.005
done
t1=$(date +%s%N)
echo "ready after $(( (t1-t0)/1000000 )) ms"
pkill -TERM -f "c.conf" -n || true
wait "$PID" 2>/dev/null || true; PID=
echo "log $D/relay.log"
