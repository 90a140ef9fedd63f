#!/usr/bin/env bash
# scrapes17: what a request flood costs the metrics endpoint's thread, with no data path running: `jmiredo mire`
# (UDP only, no tunnel) in one namespace (jmscr17-e$$, loopback only, removed on exit), its endpoint on
# 127.0.0.1:9544; flood.py from 127.0.0.2 as fast as answered (4 connections, 4 requests in flight each) for DUR s on
# each PATH; prints the answers and the CPU time of the jmiredo-metrics thread (utime + stime, from /proc).
#   sudo bench/results/scrapes17/endpoint_cpu.sh JAR [DUR]
set -euo pipefail
JAR=$(realpath "$1") DUR=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
NS=jmscr17-e$$
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
ip netns add "$NS"
trap '[[ -n "${PID:-}" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; ip netns del "$NS"' EXIT
ip -n "$NS" link set lo up
ip netns exec "$NS" "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "$JAR" \
    mire --metrics-listen 127.0.0.1:9544 >/dev/null 2>&1 &
PID=$!
for _ in $(seq 100); do ip netns exec "$NS" curl -s -m 1 http://127.0.0.1:9544/healthz >/dev/null && break; sleep 0.2; done
TID=$(for t in /proc/$PID/task/*; do [[ "$(cat "$t/comm")" != jmiredo-metrics ]] || echo "${t##*/}"; done)
ticks() { awk '{print $14 + $15}' "/proc/$PID/task/$TID/stat"; }
hz=$(getconf CLK_TCK)
for path in /metrics /healthz; do
    c0=$(ticks)
    out=$(ip netns exec "$NS" python3 "$HERE/flood.py" 127.0.0.1 9544 "$path" 4 "$DUR" 0 127.0.0.2)
    c1=$(ticks)
    echo "$path: $out; metrics thread CPU $(( (c1 - c0) * 1000 / hz )) ms in $DUR s"
done
