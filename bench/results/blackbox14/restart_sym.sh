#!/usr/bin/env bash
# blackbox14: how long Miredo clients lose their own traffic (client -> native host, nothing from the native
# side) when the relay is killed (SIGKILL) and started again, behind a port-preserving NAT (Linux MASQUERADE)
# and behind a symmetric one (MASQUERADE --random-fully), through our relay or Miredo's; our server.
#   sudo bench/results/blackbox14/restart_sym.sh [ROUNDS] [jmiredo|miredo ...]   (from the repository root)
# Prints, per round and client, the seconds from the kill to the first echo reply. LAB.md rules: namespaces
# with a per-run prefix, documentation ranges only, nothing routed out; all removed on exit.
set -euo pipefail
ROUNDS=${1:-2}; shift || true
KINDS=("${@:-jmiredo miredo}"); read -r -a KINDS <<<"${KINDS[*]}"
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
J=$ROOT/bin/jmiredo
export JMIREDO_AOT_CACHE=off
P=jmbb$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
W=$(mktemp -d /tmp/restart_sym.XXXXXX)
NS=(hub srv rly v6 nat1 lan1 nat2 lan2)
down() {
    local n p
    for n in "${NS[@]}"; do
        for p in $(ip netns pids "$P-$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
        ip netns del "$P-$n" 2>/dev/null || true
    done
    rm -rf "$W"
}
trap down EXIT
trap 'exit 130' INT TERM
x() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }
link() { ip -n "$P-hub" link add "h-$1-$2" type veth peer name "$2" netns "$P-$1"
    ip -n "$P-hub" link set "h-$1-$2" master "$3" up; ip -n "$P-$1" link set "$2" up; }
for n in "${NS[@]}"; do
    ip netns add "$P-$n"; ip -n "$P-$n" link set lo up
    x "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
for b in br4 br6 bl1 bl2; do ip -n "$P-hub" link add $b type bridge; ip -n "$P-hub" link set $b up; done
link srv e4 br4; link srv e6 br6; link rly e4 br4; link rly e6 br6; link v6 e6 br6
link nat1 e4 br4; link nat1 el bl1; link lan1 el bl1; link nat2 e4 br4; link nat2 el bl2; link lan2 el bl2
ip -n "$P-srv" addr add 198.51.100.1/24 dev e4; ip -n "$P-srv" addr add 198.51.100.2/24 dev e4
ip -n "$P-srv" -6 addr add 2001:db8:6::10/64 dev e6 nodad; ip -n "$P-srv" -6 route add 2001::/32 via 2001:db8:6::3
ip -n "$P-rly" addr add 198.51.100.3/24 dev e4; ip -n "$P-rly" -6 addr add 2001:db8:6::3/64 dev e6 nodad
x rly sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$P-v6" -6 addr add 2001:db8:6::20/64 dev e6 nodad; ip -n "$P-v6" -6 route add 2001::/32 via 2001:db8:6::3
for i in 1 2; do
    ip -n "$P-nat$i" addr add 198.51.100.2$((i - 1))/24 dev e4; ip -n "$P-nat$i" addr add 192.168.7$((6 + i)).1/24 dev el
    x nat$i sysctl -qw net.ipv4.ip_forward=1
    ip -n "$P-lan$i" addr add 192.168.7$((6 + i)).2/24 dev el; ip -n "$P-lan$i" route add default via 192.168.7$((6 + i)).1
done
x nat1 iptables -t nat -A POSTROUTING -o e4 -j MASQUERADE
x nat2 iptables -t nat -A POSTROUTING -o e4 -j MASQUERADE --random-fully

printf 'jmiredo { server { primary-address = "198.51.100.1" }, metrics { listen = "127.0.0.1:9544" } }\n' >"$W/server.conf"
printf 'jmiredo { relay { bind-address = "198.51.100.3" }, metrics { listen = "127.0.0.1:9544" } }\n' >"$W/relay.conf"
printf 'RelayType cone\nInterfaceName teredo\nBindAddress 198.51.100.3\n' >"$W/miredo-relay.conf"
printf 'RelayType client\nInterfaceName teredo\nServerAddress 198.51.100.1\n' >"$W/client.conf"
private_run() { # NS LOG command...: Miredo's pid file needs a private /var/run per daemon (LAB.md)
    local n=$1 log=$2; shift 2
    setsid ip netns exec "$P-$n" unshare -m sh -c 'mount -t tmpfs none /var/run && mkdir -p /var/run/miredo && exec "$@"' sh "$@" \
        >"$log" 2>&1 </dev/null &
}
ready() { local i; for i in $(seq 100); do x "$1" curl -sf -m1 "127.0.0.1:9544/readyz" >/dev/null && return 0; sleep 0.2; done; return 1; }
setsid ip netns exec "$P-srv" "$J" server --config "$W/server.conf" >"$W/server.log" 2>&1 </dev/null &
ready srv
start_relay() {
    if [[ $1 == jmiredo ]]; then
        setsid ip netns exec "$P-rly" "$J" relay --config "$W/relay.conf" >>"$W/relay.log" 2>&1 </dev/null &
        ready rly
    else
        private_run rly "$W/miredo-relay.log" miredo -f -c "$W/miredo-relay.conf" -u nobody
        local i; for i in $(seq 100); do ip -n "$P-rly" -6 route | grep -q '^2001::/32' && return 0
            ip -n "$P-rly" link show teredo >/dev/null 2>&1 && ip -n "$P-rly" -6 route add 2001::/32 dev teredo 2>/dev/null && return 0
            sleep 0.1; done
    fi
}
stop_relay() { local p; for p in $(ip netns pids "$P-rly"); do kill -9 "$p" 2>/dev/null || true; done
    local i; for i in $(seq 50); do [[ -z "$(ip netns pids "$P-rly")" ]] && break; sleep 0.1; done
    ip -n "$P-rly" link del teredo 2>/dev/null || true; }
for kind in "${KINDS[@]}"; do
    start_relay "$kind"
    for i in 1 2; do private_run lan$i "$W/client$i.log" miredo -f -c "$W/client.conf" -u nobody; done
    for i in 1 2; do
        for _ in $(seq 100); do ip -n "$P-lan$i" -6 addr show dev teredo 2>/dev/null | grep -q 'inet6 2001:' && break; sleep 0.2; done
        x lan$i ping -6 -c 3 -i 0.3 -W 2 2001:db8:6::20 >/dev/null || true # first use: relay found
    done
    for round in $(seq "$ROUNDS"); do
        pings=()
        for i in 1 2; do x lan$i ping -6 -D -i 0.1 -c 450 -W 1 2001:db8:6::20 >"$W/ping$i.txt" 2>&1 & pings+=($!); done
        sleep 3
        stop_relay; t0=$(date +%s.%N)
        start_relay "$kind"; t1=$(date +%s.%N)
        wait "${pings[@]}" || true
        for i in 1 2; do
            first=$(awk -v t0="$t0" '/bytes from/ { gsub(/[\[\]]/, "", $1); if ($1 > t0) { printf "%.2f", $1 - t0; exit } }' "$W/ping$i.txt")
            nat=$([[ $i == 1 ]] && echo port-preserving || echo symmetric)
            echo "relay=$kind round=$round nat=$nat ready_after_s=$(echo "$t1 - $t0" | bc) first_reply_after_s=${first:-none} $(grep -o '[0-9]* received' "$W/ping$i.txt")"
        done
    done
    for i in 1 2; do for p in $(ip netns pids "$P-lan$i"); do kill "$p" 2>/dev/null || true; done; done
    stop_relay
    sleep 1
done
