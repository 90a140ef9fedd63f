#!/usr/bin/env bash
# topo17, brief items 1 and 2: Debian Miredo clients that share one NAT (la on port 3546, lb on 3547, behind nat1 as a
# full cone, a restricted cone, a port-restricted cone or a symmetric NAT) or sit behind two NATs (ld behind a
# port-restricted home NAT behind a symmetric or a port-preserving outer NAT), pinging the native host all at once,
# then pinged by it, through our relay and Miredo's alternately (a fresh relay and fresh clients each run).
#   sudo bench/results/topo17/shared_nat.sh [ROUNDS]        (from the repository root; JAR= another relay jar)
# Prints per run and client: seconds from the pings' start to the first echo reply, replies of 50 (5/s), then
# replies of 20 to the native host's pings.
set -uo pipefail
source "$(dirname "$0")/lab.sh"
ROUNDS=${1:-1}
run() { # relay mode clients...: one measurement
    local relay=$1 mode=$2; shift 2
    local c a t0 pids=() line
    start_relay "$relay" || return 1
    declare -A addr
    for c in "$@"; do start_client "$c" "$( [[ $c == la ]] && echo 3546 || { [[ $c == lb ]] && echo 3547 || echo 3548; } )"; done
    for c in "$@"; do addr[$c]=$(await_addr "$c") || { echo "relay=$relay nat=$mode client=$c no address"; }; done
    t0=$(date +%s.%N)
    for c in "$@"; do x "$c" ping -6 -D -n -i 0.2 -c 50 -W 2 $NATIVE >"$W/ping-$c.txt" 2>&1 & pids+=($!); done
    wait "${pids[@]}"; pids=()
    for c in "$@"; do x v6 ping -6 -n -i 0.2 -c 20 -W 2 "${addr[$c]}" >"$W/back-$c.txt" 2>&1 & pids+=($!); done
    wait "${pids[@]}"
    for c in "$@"; do
        line="relay=$relay nat=$mode client=$c addr=${addr[$c]} first_reply_s=$(first_reply "$W/ping-$c.txt" "$t0")"
        echo "$line out_replies=$(received "$W/ping-$c.txt")/50 in_replies=$(received "$W/back-$c.txt")/20"
    done
    for c in "$@"; do stop_ns "$c"; done
    stop_relay
}
for round in $(seq "$ROUNDS"); do
    for mode in ${MODES-full restricted port symmetric}; do
        for relay in ${RELAYS:-jmiredo miredo}; do nat1_mode "$mode"; run "$relay" "$mode" la lb; done
    done
    for mode in ${DOUBLE-symmetric port}; do
        for relay in ${RELAYS:-jmiredo miredo}; do double_mode "$mode"; run "$relay" "double-$mode" ld; done
    done
done
