#!/usr/bin/env bash
# topo17, brief item 4: a NAT whose UDP mappings time out quickly (nat1 as Linux MASQUERADE with conntrack's UDP
# timeouts, unreplied and stream, set to TIMEOUT s, default 20) and a Debian Miredo client (la) that only receives:
# the native host pings it 5/s for 90 s and its echo replies are dropped on its way out, so it sends nothing to the
# relay but bubbles. Our relay (trust renewal at its default 5 s, and RENEWAL= another) and Miredo's alternately.
#   sudo [DELAY=S] bench/results/topo17/recv_only.sh [ROUNDS] [TIMEOUT]      (from the repository root)
# DELAY: seconds between the client's qualification and the native host's first ping (the relay's handshake).
# Prints per run: echo requests that reached the client of 450, the seconds in which none did (and the longest run
# of them), whether the client's Teredo address changed.
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
    sleep "${DELAY:-0}" # where in the client's 30-s refresh cycle the relay's handshake, and so its bubbles, fall
    x v6 ping -6 -n -c 3 -i 0.3 -W 2 "$addr" >/dev/null 2>&1 # the handshake
    x la ip6tables -F OUTPUT; x la ip6tables -A OUTPUT -d $NATIVE -p ipv6-icmp --icmpv6-type echo-reply -j DROP
    local pp i prev=0 now zero=0 run=0 longest=0 changed=0
    x v6 ping -6 -n -q -i 0.2 -c 450 -W 1 "$addr" >/dev/null 2>&1 & pp=$!
    # Each second, the echo requests that reached the client so far (its DROP rule's counter): seconds with none are losses.
    for i in $(seq 95); do
        sleep 1
        now=$(x la ip6tables -L OUTPUT -v -n -x | awk '/DROP/ { print $1; exit }')
        if [[ $now == "$prev" ]]; then ((zero++, run++)); ((run > longest)) && longest=$run; else run=0; fi
        prev=$now; echo "$i $now" >>"$W/trace.txt"
        [[ "$(teredo_addr la)" != "$addr" ]] && changed=1
        kill -0 $pp 2>/dev/null || break
    done
    wait $pp
    cp "$W/trace.txt" "$(dirname "$0")/recv_only-trace-$relay-d${DELAY:-0}.txt"; rm -f "$W/trace.txt"
    echo "relay=$relay nat_udp_timeout_s=$TIMEOUT renewal=$( [[ $relay == jmiredo ]] && echo "${RENEWAL:-default}" || echo - ) handshake_delay_s=${DELAY:-0} arrived=$prev/450 seconds_without_arrival=$zero longest_s=$longest client_address_changed=$changed"
    cp "$W/client-la.log" "$(dirname "$0")/recv_only-client-$relay-d${DELAY:-0}.log" 2>/dev/null
    if [[ $relay == jmiredo ]]; then
        x rly curl -s -m2 127.0.0.1:9544/metrics | grep -E '^jmiredo_(bubbles|queued|dropped|peers)' | grep -v ' 0.0$' \
            >"$(dirname "$0")/recv_only-metrics-$relay-d${DELAY:-0}.txt"
    fi
    stop_ns la; stop_relay
}
for round in $(seq "$ROUNDS"); do
    for relay in ${RELAYS:-jmiredo miredo}; do run "$relay"; done
done
