#!/bin/bash
# The metrics endpoint under held connections (blackbox17a), one relay jar at a time, in a namespace of its own:
#   metrics_slowloris.sh JAR [LABEL]
# Two attacks from 8 local addresses x 8 connections (the default max-connections 64, per-source 8):
#  (a) slowloris: each connection trickles one byte of a request every 2 s, for 30 s;
#  (b) idle holders: each connection sends a whole GET /healthz at once, then idles (Prometheus-like keep-alive).
# Meanwhile a scraper from a ninth address tries GET /metrics every 2 s; prints how many scrapes got a 200.
set -u
JAR=$1; LABEL=${2:-$(basename "$JAR")}
source "$(dirname "$0")/common.sh"
min_relay "$JAR" "198.51.100.3:9544"
scrapes() {  # N scrapes 2 s apart from 198.51.100.60; prints the count of 200s
    local ok=0
    for _ in $(seq "$1"); do
        code=$(ip netns exec "$NS" curl -s -m 3 -o /dev/null -w '%{http_code}' --interface 198.51.100.60 http://198.51.100.3:9544/metrics)
        [[ "$code" == 200 ]] && ok=$((ok + 1))
        sleep 2
    done
    echo "$ok"
}
ip netns exec "$NS" python3 "$HERE/slowloris.py" 198.51.100.3 9544 198.51.100 50 8 8 2 30 >"$DIR/slow.log" 2>&1 &
SL=$!
sleep 3
ok=$(scrapes 10)
echo "$LABEL slowloris (64 trickling connections from 8 addresses): scrapes answered $ok of 10; $(tail -1 "$DIR/slow.log")"
kill $SL 2>/dev/null; wait $SL 2>/dev/null
sleep 1
ip netns exec "$NS" python3 "$HERE/holders.py" 198.51.100.3 9544 198.51.100 50 8 8 30 >"$DIR/hold.log" 2>&1 &
HL=$!
sleep 3
ok=$(scrapes 10)
echo "$LABEL idle holders (64 keep-alive connections with one whole request each): scrapes answered $ok of 10; $(tail -1 "$DIR/hold.log")"
kill $HL 2>/dev/null; wait $HL 2>/dev/null
ip netns exec "$NS" curl -s http://198.51.100.3:9544/metrics | grep '^jmiredo_metrics_connections' | sed "s/^/$LABEL   /"
echo "$LABEL log lines above DEBUG after ready: $(grep -vc ' INFO  \[main\]' "$DIR/relay.log")"
