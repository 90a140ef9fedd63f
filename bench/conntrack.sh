#!/usr/bin/env bash
# What the host's connection tracking does to a relay with many peers (BENCHMARKS.md "Twelfth iteration:
# connection tracking"). The benchmark lab (bench/lab.sh), Miredo's relay and ours alternately, each under
# three firewall modes in the relay's namespace:
#   open      no rules: conntrack is not active in the namespace (the kernel registers its hooks per
#             namespace only when a rule needs them)
#   stateful  a typical stateful host firewall (iptables): INPUT and FORWARD accept ESTABLISHED,RELATED,
#             drop INVALID, accept the relay's port and the tunnel's traffic, policy DROP
#   notrack   the same, plus deploy/systemd/jmiredo-notrack.sh add (raw-hook notrack) and UNTRACKED accepted
# For each, POINTS ("t2i i2t full"): t2i and i2t at PEERS peers (100,000) and RATE pkt/s; "full" is t2i at
# FULL_PEERS (200,000: two or three entries a peer, over the default nf_conntrack_max of 262,144). Per run: the generator's JSON (loss, relay
# and machine CPU per packet) plus the namespace's nf_conntrack_count and the conntrack statistics of
# /proc/net/stat/nf_conntrack (drop = "table full", early_drop, insert_failed) over the run. The table is
# flushed (conntrack -F) before each run. Nothing global is changed: a namespace cannot lower
# nf_conntrack_max (read-only there), so the full table is reached with peers.
#   sudo bench/conntrack.sh          # RUNS=1 RELAYS="jmiredo miredo" MODES="open stateful notrack"
# Output: $RESULTS/<prefix>/ (default bench/results/hostscale/conntrack-<prefix>), summary.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
RUNS=${RUNS:-1}
RELAYS=${RELAYS:-jmiredo miredo}
MODES=${MODES:-open stateful notrack}
POINTS=${POINTS:-t2i i2t full}
PEERS=${PEERS:-100000}
FULL_PEERS=${FULL_PEERS:-200000}
RATE=${RATE:-100000}
SIZE=${SIZE:-80}
DURATION=${DURATION:-5}
LAB_PREFIX=${LAB_PREFIX:-jmhs-$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')}
export LAB_PREFIX
JM_PEERS_MAX=${JM_PEERS_MAX:-1048576}

# shellcheck source=bench/lab.sh
source "$ROOT/bench/lab.sh"
lab_own_session "$0" "$@"
RESULTS=${RESULTS:-$ROOT/bench/results/hostscale}
bench_setup conntrack.sh "conntrack-$LAB_PREFIX"
command -v miredo >/dev/null || die "miredo is not installed"
command -v conntrack >/dev/null || die "conntrack (the Debian package) is not installed"
NOTRACK="$ROOT/deploy/systemd/jmiredo-notrack.sh"

{
    echo "date: $(date -u +%FT%TZ)"
    echo "kernel: $(uname -r)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
    echo "nf_conntrack_max (global, read-only in a namespace): $(cat /proc/sys/net/netfilter/nf_conntrack_max)"
    echo "nf_conntrack_buckets: $(cat /proc/sys/net/netfilter/nf_conntrack_buckets)"
    echo "udp timeouts: $(cat /proc/sys/net/netfilter/nf_conntrack_udp_timeout) s, stream $(cat /proc/sys/net/netfilter/nf_conntrack_udp_timeout_stream) s"
    echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "matrix: RELAYS=[$RELAYS] MODES=[$MODES] POINTS=[$POINTS] PEERS=$PEERS FULL_PEERS=$FULL_PEERS RATE=$RATE SIZE=$SIZE DURATION=${DURATION}s RUNS=$RUNS"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt"

lab_up

rly() { ip netns exec "$RLY" "$@"; }

# The stateful firewall of mode "stateful" (and "notrack"), in both families.
firewall_up() {
    local t
    for t in iptables ip6tables; do
        rly "$t" -A INPUT -i lo -j ACCEPT
        rly "$t" -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
        rly "$t" -A INPUT -m conntrack --ctstate INVALID -j DROP
        rly "$t" -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
        rly "$t" -A FORWARD -m conntrack --ctstate INVALID -j DROP
        rly "$t" -A FORWARD -i teredo -j ACCEPT
        rly "$t" -A FORWARD -o teredo -j ACCEPT
    done
    rly iptables -A INPUT -p udp --dport "$RELAY_PORT" -j ACCEPT
    rly iptables -A INPUT -p icmp -j ACCEPT
    rly ip6tables -A INPUT -p ipv6-icmp -j ACCEPT
    for t in iptables ip6tables; do
        rly "$t" -P INPUT DROP
        rly "$t" -P FORWARD DROP
    done
}

firewall_down() {
    local t
    for t in iptables ip6tables; do
        rly "$t" -P INPUT ACCEPT
        rly "$t" -P FORWARD ACCEPT
        rly "$t" -F INPUT
        rly "$t" -F FORWARD
    done
    rly "$NOTRACK" delete --port "$RELAY_PORT"
}

mode_up() {
    case $1 in
        open) ;;
        stateful) firewall_up ;;
        notrack)
            firewall_up
            rly "$NOTRACK" add --port "$RELAY_PORT"
            local t
            for t in iptables ip6tables; do
                rly "$t" -I INPUT -m conntrack --ctstate UNTRACKED -j ACCEPT
                rly "$t" -I FORWARD -m conntrack --ctstate UNTRACKED -j ACCEPT
            done ;;
    esac
}

# One conntrack statistic of the relay's namespace, summed over CPUs (the file is hexadecimal, per CPU).
ct_stat() {
    local header col=-1 i sum=0 line
    local -a fields
    {
        read -r -a fields
        for i in "${!fields[@]}"; do [[ "${fields[$i]}" == "$1" ]] && col=$i; done
        while read -r -a line; do
            (( col < 0 )) || sum=$(( sum + 16#${line[$col]} ))
        done
    } < <(rly cat /proc/net/stat/nf_conntrack)
    echo "$sum"
}

ct_count() {
    rly cat /proc/sys/net/netfilter/nf_conntrack_count
}

bench() {
    ip netns exec "$GEN" nice -n "$LAB_NICE" timeout 300 "$ROOT/bench/jmiredo-bench" --gen-if veth0 --native-netns "$V6" --relay-netns "$RLY" \
        --relay "$RELAY_V4:$RELAY_PORT" --server "$SERVER_V4" --prime-rate "${PRIME_RATE:-20000}" --prime-timeout "${PRIME_TIMEOUT:-40}" "$@"
}

# One measured point: flush, run, then the table's size and what conntrack counted over the run.
point() {
    local relay=$1 mode=$2 dir=$3 peers=$4 run=$5 pids=$6 name drop0 early0 fail0
    name="$relay-$mode-$dir-p$peers-run$run"
    rly conntrack -F >/dev/null 2>&1 || true
    drop0=$(ct_stat drop) early0=$(ct_stat early_drop) fail0=$(ct_stat insert_failed)
    bench --direction "$dir" --peers "$peers" --size "$SIZE" --duration "$DURATION" --rate "$RATE" \
        --relay-pid "$pids" --label "$relay $mode" --json "$OUT/$name.json" >"$OUT/$name.txt" 2>&1 || echo "(bench failed: $name)" >>"$OUT/$name.txt"
    printf '%s entries=%s max=%s drop=%s early_drop=%s insert_failed=%s\n' "$name" "$(ct_count)" \
        "$(rly cat /proc/sys/net/netfilter/nf_conntrack_max)" \
        $(( $(ct_stat drop) - drop0 )) $(( $(ct_stat early_drop) - early0 )) $(( $(ct_stat insert_failed) - fail0 ))  \
        | tee -a "$OUT/conntrack.txt"
    # The IPv6 routing state after the run (/proc/net/rt6_stats, hex: fib nodes, route nodes, route allocs,
    # route entries, cached routes, dst entries, discarded) and the route exceptions ("ip -6 route show cache").
    echo "    rt6_stats $(rly cat /proc/net/rt6_stats) cache_routes=$(rly ip -6 route show cache | grep -c . || true) slab_nf_conntrack(active,objsize)=$(awk '$1 == "nf_conntrack" {print $2 "," $4}' /proc/slabinfo)" | tee -a "$OUT/conntrack.txt"
    grep -E '^(t2i|i2t) |handshake|machine cpu|relay cpu' "$OUT/$name.txt" | sed 's/^/    /' | tee -a "$OUT/conntrack.txt"
}

for run in $(seq "$RUNS"); do
    order=$RELAYS
    if (( run % 2 == 0 )); then
        order=$(echo "$RELAYS" | awk '{for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "")}')
    fi
    for relay in $order; do
        for mode in $MODES; do
            "relay_start_$relay" "$OUT"
            pids=$(relay_pids)
            mode_up "$mode"
            echo "== run $run: $relay, $mode (pids $pids)" | tee -a "$OUT/conntrack.txt"
            bench --direction both --peers 1000 --size 1280 --duration 2 --rate 50000 --relay-pid "$pids" \
                --label warmup >>"$OUT/warmup.txt" 2>&1 || true
            for p in $POINTS; do
                case $p in
                    t2i|i2t) point "$relay" "$mode" "$p" "$PEERS" "$run" "$pids" ;;
                    full) point "$relay" "$mode" t2i "$FULL_PEERS" "$run" "$pids" ;;
                esac
            done
            firewall_down
            relay_stop
        done
    done
done
cp "$OUT/conntrack.txt" "$OUT/summary.txt"
echo "results: $OUT"
