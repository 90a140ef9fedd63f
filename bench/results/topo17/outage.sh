#!/usr/bin/env bash
# topo17, brief item 3: the relay loses, for 10 s under traffic, its IPv6 route to the native host (native-route), the
# native host itself (native-neigh: the host's bridge port down, so neighbour discovery fails), or its IPv4 route to
# the clients (v4-route: rly's connected route 198.51.100.0/24 removed); then it is back. A Debian Miredo client (la
# behind nat1, Linux MASQUERADE) pings the native host and the native host pings the client, 5/s each, for 30 s; the
# outage runs from 5 s to 15 s. Our relay and Miredo's alternately, a fresh relay and client each run.
#   sudo bench/results/topo17/outage.sh [ROUNDS]          (from the repository root; JAR= another relay jar)
# Prints per run and direction: replies of 150 before/during/after the outage, the seconds from its end to the first
# reply, and the ICMPv6 errors the pinging side got (kind: count), as ping reports them.
set -uo pipefail
source "$(dirname "$0")/lab.sh"
ROUNDS=${1:-1}
outage() { # event on|off
    case $1 in
    native-route) if [[ $2 == on ]]; then ip -n "$P-rly" -6 route del 2001:db8:6::/64 dev e6
        else ip -n "$P-rly" -6 route add 2001:db8:6::/64 dev e6 proto kernel metric 256; fi;;
    native-neigh) ip -n "$P-hub" link set h-v6-e6 "$( [[ $2 == on ]] && echo down || echo up )";;
    v4-route) if [[ $2 == on ]]; then ip -n "$P-rly" route del 198.51.100.0/24 dev e4
        else ip -n "$P-rly" route add 198.51.100.0/24 dev e4 proto kernel scope link src 198.51.100.3; fi;;
    esac
}
# summary FILE T0 TON TOFF: replies before/during/after, first reply after TOFF, ICMPv6 errors by kind
summary() {
    awk -v t0="$2" -v on="$3" -v off="$4" '
        /bytes from/ { gsub(/[\[\]]/, "", $1); t = $1; if (t < on) b++; else if (t < off) d++; else { a++; if (first == "") first = sprintf("%.2f", t - off) } }
        /From .*icmp_seq/ { k = $0; sub(/.*icmp_seq=[0-9]* /, "", k); gsub(/ /, "_", k); e[k]++ }
        END { printf "before=%d during=%d after=%d first_after_restore_s=%s errors=", b, d, a, (first == "" ? "none" : first)
              n = 0; for (k in e) { printf "%s%s:%d", (n++ ? "," : ""), k, e[k] }; if (!n) printf "none"; printf "\n" }' "$1"
}
run() { # relay event
    local relay=$1 event=$2 addr t0 ton toff p1 p2
    start_relay "$relay" || return 1
    start_client la 3546
    addr=$(await_addr la) || { echo "relay=$relay event=$event no address"; stop_ns la; stop_relay; return; }
    x la ping -6 -n -c 3 -i 0.3 -W 2 $NATIVE >/dev/null 2>&1 # first use: the client finds the relay
    t0=$(date +%s.%N)
    x la ping -6 -D -n -i 0.2 -c 150 -W 1 $NATIVE >"$W/out.txt" 2>&1 & p1=$!
    x v6 ping -6 -D -n -i 0.2 -c 150 -W 1 "$addr" >"$W/in.txt" 2>&1 & p2=$!
    sleep 5; ton=$(date +%s.%N); outage "$event" on
    sleep 10; outage "$event" off; toff=$(date +%s.%N)
    wait $p1 $p2
    echo "relay=$relay event=$event dir=client-to-native $(summary "$W/out.txt" "$t0" "$ton" "$toff")"
    echo "relay=$relay event=$event dir=native-to-client $(summary "$W/in.txt" "$t0" "$ton" "$toff")"
    [[ $relay == jmiredo ]] && { x rly curl -s -m2 127.0.0.1:9544/metrics | grep -E '^jmiredo_(dropped_packets_total|icmp_errors_sent_total|udp_write)' | grep -v ' 0.0$' | tr '\n' ' '; echo; }
    stop_ns la; stop_relay
}
nat1_mode port
for round in $(seq "$ROUNDS"); do
    for event in ${EVENTS-native-route native-neigh v4-route}; do
        for relay in ${RELAYS:-jmiredo miredo}; do run "$relay" "$event"; done
    done
done
