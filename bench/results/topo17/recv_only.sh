#!/usr/bin/env bash
# topo17, brief item 4: a NAT whose UDP mappings time out quickly (nat1 as Linux MASQUERADE with conntrack's UDP
# timeouts, unreplied and stream, set to TIMEOUT s, default 20) and a Debian Miredo client (la) that only receives:
# the native host pings it 5/s for 90 s and its echo replies are dropped on its way out, so it sends nothing to the
# relay but bubbles. Our relay (trust renewal at its default 5 s, and RENEWAL= another) and Miredo's alternately.
#   sudo bench/results/topo17/recv_only.sh [ROUNDS] [TIMEOUT]          (from the repository root)
# Prints per run: echo requests that reached the client of 450, losses (gaps over 0.5 s between arrivals: count,
# longest, total seconds).
set -uo pipefail
source "$(dirname "$0")/lab.sh"
ROUNDS=${1:-1}; TIMEOUT=${2:-20}
x nat1 sysctl -qw net.netfilter.nf_conntrack_udp_timeout="$TIMEOUT" net.netfilter.nf_conntrack_udp_timeout_stream="$TIMEOUT"
nat1_mode port
[[ -n "${RENEWAL:-}" ]] && printf 'jmiredo.relay.trust-renewal = %s\n' "$RENEWAL" >>"$W/relay.conf"
run() {
    local relay=$1 addr tp
    start_relay "$relay" || return 1
    start_client la 3546
    addr=$(await_addr la) || { echo "relay=$relay no address"; stop_ns la; stop_relay; return; }
    x v6 ping -6 -n -c 3 -i 0.3 -W 2 "$addr" >/dev/null 2>&1 # the handshake
    x la ip6tables -F OUTPUT; x la ip6tables -A OUTPUT -d $NATIVE -p ipv6-icmp --icmpv6-type echo-reply -j DROP
    x la tcpdump -i teredo -n -tt -l 'icmp6 and ip6[40] == 128' >"$W/arrivals.txt" 2>/dev/null & tp=$!
    sleep 1
    x v6 ping -6 -n -q -i 0.2 -c 450 -W 1 "$addr" >/dev/null 2>&1
    sleep 1; kill "$tp"; wait "$tp" 2>/dev/null
    awk -v relay="$relay" -v t="$TIMEOUT" -v r="${RENEWAL:-default}" '
        { n++; if (prev != "" && $1 - prev > 0.5) { g++; s += $1 - prev - 0.2; if ($1 - prev > m) m = $1 - prev }; prev = $1 }
        END { printf "relay=%s nat_udp_timeout_s=%s renewal=%s arrived=%d/450 gaps=%d longest_gap_s=%.1f lost_s=%.1f\n", relay, t, (relay == "jmiredo" ? r : "-"), n, g, m, s }' "$W/arrivals.txt"
    stop_ns la; stop_relay
}
for round in $(seq "$ROUNDS"); do
    for relay in ${RELAYS:-jmiredo miredo}; do run "$relay"; done
done
