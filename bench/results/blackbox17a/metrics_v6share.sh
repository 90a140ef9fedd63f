#!/bin/bash
# The per-source share of the metrics endpoint for IPv6 sources (blackbox17a): the relay listening on [::]:9544 in a
# namespace of its own; 16 connections from 16 addresses of one /64 (one host's SLAAC or privacy addresses).
#   metrics_v6share.sh JAR LABEL
set -u
JAR=$1; LABEL=$2
source "$(dirname "$0")/common.sh"
min_relay "$JAR" "[::]:9544"
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
