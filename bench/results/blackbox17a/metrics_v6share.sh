#!/bin/bash
# The per-source share of the metrics endpoint for IPv6 sources (blackbox17a): the relay listening on [::]:9544 in a
# namespace of its own; 16 connections from 16 addresses of one /64 (one host's SLAAC or privacy addresses).
#   metrics_v6share.sh JAR LABEL
set -u
JAR=$1; LABEL=$2; NS=jmbba-v$$
HERE=$(cd "$(dirname "$0")" && pwd)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
DIR=$(mktemp -d /tmp/jmbba.XXXXXX)
cleanup() { [[ -n "${RPID:-}" ]] && kill "$RPID" 2>/dev/null; wait 2>/dev/null; ip netns del "$NS" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
"$HERE/lab_min.sh" up "$NS"
for i in $(seq 100 115); do ip -n "$NS" -6 addr add 2001:db8:6::$i/64 dev d0 nodad; done
cat >"$DIR/relay.conf" <<CONF
jmiredo.relay { bind-address = "198.51.100.3", bind-port = 3545, warm-up-peers = 0 }
jmiredo.tun.name = "bbav$$"
jmiredo.metrics.listen = "[::]:9544"
CONF
ip netns exec "$NS" "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "$JAR" \
    relay --config "$DIR/relay.conf" >"$DIR/relay.log" 2>&1 &
RPID=$!
for _ in $(seq 100); do ip netns exec "$NS" curl -s -m 1 http://198.51.100.3:9544/readyz >/dev/null && break; sleep 0.2; done
ip netns exec "$NS" python3 - <<'PY'
import socket, time
held = []
for i in range(100, 116):
    s = socket.socket(socket.AF_INET6)
    s.bind((f"2001:db8:6::{i}", 0))
    s.connect(("2001:db8:6::3", 9544))
    held.append(s)
time.sleep(1)
closed = 0
for s in held:
    s.setblocking(False)
    try:
        closed += 1 if s.recv(1) == b"" else 0
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
print(f"16 connections from one /64: {16 - closed} held, {closed} closed on accept")
PY
ip netns exec "$NS" curl -s http://198.51.100.3:9544/metrics | grep '^jmiredo_metrics_connections_refused' | sed "s/^/$LABEL   /"
