#!/usr/bin/env bash
# An operator's restart (systemctl restart, docker restart): SIGTERM to exit, then exec to ready. For each
# role (relay, server, client), tree and cache setting in turn, RUNS times: one start through the tree's
# bin/jmiredo, timed to the first /readyz 200 (polled every ~5 ms), optionally some traffic, then SIGTERM,
# timed to the process's exit (bash's wait returns at the child's exit). Prints every start and the medians
# of ready, stop and their sum (the downtime of a restart), and the CPU used to ready (as bench/startup.sh).
#   sudo RUNS=5 bench/restart.sh
#   sudo RUNS=5 ROLES=relay TRAFFIC=1 TREES="/work/wt/base $PWD" bench/restart.sh
# ROLES: any of relay server client (default all three). TREES: checkouts, each with its launcher and jar
# (default: this one). CACHES: "off aot" (default): without the launcher's AOT cache, and with it (each tree's
# recording start first, not counted: its stop writes the cache). TRAFFIC=1: before the stop, the relay
# carries a burst of new peers and data both ways (bench/jmiredo-bench, 20,000 peers, 2 s at 50,000 pkt/s),
# a client pings a native host through the relay 20 times, the server answers pings from the client's
# namespace. TRAFFIC=during (relay only): the stop comes while the relay carries 150,000 pkt/s both ways. Namespaces (LAB.md): "net" holds the server (198.51.100.1 and .2) and the relay (.3, UDP 3545);
# "cli" the client (198.51.100.10); "gen" and "v6" the generator and the native host of bench/lab.sh's
# layout when TRAFFIC=1. Nothing is routed out of them.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
RUNS=${RUNS:-5}
read -r -a ROLE_LIST <<<"${ROLES:-relay server client}"
read -r -a TREES <<<"${TREES:-$ROOT}"
read -r -a CACHE_LIST <<<"${CACHES:-off aot}"
source <(sed -n '/^find_jdk()/,/^}/p;/^usable_home()/,/^}/p;/^java_major()/,/^}/p' "$ROOT/bench/jmiredo-bench")
MIN_JAVA=25
die() { echo "restart.sh: $*" >&2; exit 1; }
find_jdk

P=jr$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
NET=$P-net CLI=$P-cli GEN=$P-gen V6=$P-v6 HUB=$P-hub
DIR=$(mktemp -d /tmp/jmiredo-restart.XXXXXX)
PID= SERVER_PID=
cleanup() {
    local ns pid
    for pid in $PID $SERVER_PID; do kill -9 "$pid" 2>/dev/null || true; done
    for ns in $NET $CLI $GEN $V6 $HUB; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    [[ -n "${KEEP:-}" ]] || rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# hub: bridge br4 (net, cli, gen) and br6 (net, v6); net forwards IPv6 between its tunnel and br6.
for ns in $HUB $NET $CLI $GEN $V6; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
ip -n $HUB link add br4 type bridge
ip -n $HUB link add br6 type bridge
ip -n $HUB link set br4 up
ip -n $HUB link set br6 up
ip -n $HUB link add n4 type veth peer name v4 netns $NET
ip -n $HUB link add n6 type veth peer name v6 netns $NET
ip -n $HUB link add c4 type veth peer name v4 netns $CLI
ip -n $HUB link add g4 type veth peer name v4 netns $GEN
ip -n $HUB link add h6 type veth peer name v6 netns $V6
for l in n4 c4 g4; do ip -n $HUB link set $l master br4 up; done
for l in n6 h6; do ip -n $HUB link set $l master br6 up; done
for a in 198.51.100.1 198.51.100.2 198.51.100.3; do ip -n $NET addr add $a/24 dev v4; done
ip -n $NET addr add 2001:db8:6::3/64 dev v6 nodad
ip -n $NET link set v4 up
ip -n $NET link set v6 up
ip netns exec $NET sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n $CLI addr add 198.51.100.10/24 dev v4
ip -n $CLI link set v4 up
# The generator's peers embed the server 198.51.100.21 and are mapped on 203.0.113.0/24: both on gen, whose
# packet socket reads what the relay sends them (bench/lab.sh); the stack drops it then.
ip -n $GEN addr add 198.51.100.20/24 dev v4
ip -n $GEN addr add 198.51.100.21/24 dev v4
ip -n $GEN link set v4 up
ip netns exec $GEN iptables -t raw -A PREROUTING -i v4 -p udp -d 203.0.113.0/24 -j DROP
ip netns exec $GEN iptables -t raw -A PREROUTING -i v4 -p udp -d 198.51.100.21 --dport 3544 -j DROP
ip -n $NET route add 203.0.113.0/24 via 198.51.100.20
ip -n $NET link set dev v4 gso_max_segs 1 # the generator reads a GSO send whole (bench/lab.sh)
ip -n $V6 addr add 2001:db8:6::20/64 dev v6 nodad
ip -n $V6 link set v6 up
ip -n $V6 -6 route add 2001::/32 via 2001:db8:6::3

for i in "${!TREES[@]}"; do
    [[ -f "${TREES[i]}/relay-server/target/jmiredo.jar" ]] || die "no jar in ${TREES[i]}: build relay-server"
done
conf() { # conf ROLE: the daemon's configuration file
    case $1 in
    relay) printf '%s\n' 'jmiredo.relay.bind-address = "198.51.100.3"' 'jmiredo.relay.bind-port = 3545' \
        'jmiredo.tun.name = "teredo"' 'jmiredo.metrics.listen = "127.0.0.1:9544"' 'jmiredo.transport.event-loops = 1' ;;
    server) printf '%s\n' 'jmiredo.server.primary-address = "198.51.100.1"' 'jmiredo.metrics.listen = "127.0.0.1:9545"' \
        'jmiredo.transport.event-loops = 1' ;;
    client) printf '%s\n' 'jmiredo.client.server-address = "198.51.100.1"' 'jmiredo.client.bind-address = "198.51.100.10"' \
        'jmiredo.tun.name = "teredoc"' 'jmiredo.metrics.listen = "127.0.0.1:9546"' ;; # one loop always; the key is refused
    esac >"$DIR/$1.conf"
}
for role in relay server client; do conf $role; done
declare -A NS_OF=([relay]=$NET [server]=$NET [client]=$CLI)
declare -A PORT_OF=([relay]=9544 [server]=9545 [client]=9546)

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
cpu_ms() { sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{ print int(($12 + $13 + $14 + $15) * 1000 / hz) }'; }
uptime

# launch ROLE TREE CACHEDIR: the daemon in the background; sets the variable named $4 to its pid.
launch() {
    ip netns exec "${NS_OF[$1]}" env JAVA_HOME="$JAVA_HOME" JMIREDO_AOT_CACHE="$3" JMIREDO_JAVA_OPTS="${JM_JAVA_OPTS:-}" \
        "${TREES[$2]}/bin/jmiredo" "$1" --config "$DIR/$1.conf" >>"$DIR/$1.log" 2>&1 &
    printf -v "$4" %s $!
}

ready() { ip netns exec "${NS_OF[$1]}" curl -sf --max-time 0.2 -o /dev/null "http://127.0.0.1:${PORT_OF[$1]}/readyz"; }

# The server the client qualifies with, from the first tree, cached: it stays up while clients come and go.
server_up() {
    [[ -z "$SERVER_PID" ]] || return 0
    mkdir -p "$DIR/server-aot"
    launch server 0 "$DIR/server-aot" SERVER_PID
    for _ in $(seq 2000); do ready server && return 0; sleep 0.01; done
    die "the server did not get ready"
}
server_down() {
    [[ -n "$SERVER_PID" ]] || return 0
    kill "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=
}

# Traffic through a ready ROLE before its stop (TRAFFIC=1); for the relay $2 s at $3 pkt/s (default 2 s, 50,000).
traffic() {
    case $1 in
    relay)
        ip netns exec $GEN timeout 60 "$ROOT/bench/jmiredo-bench" --gen-if v4 --native-netns $V6 --relay-netns $NET \
            --relay 198.51.100.3:3545 --server 198.51.100.21 --direction both --peers 20000 --size 80 --duration "${2:-2}" \
            --rate "${3:-50000}" --label restart >>"$DIR/traffic.txt" 2>&1 || echo "(the generator failed: $DIR/traffic.txt)" ;;
    client)
        # The client's relay for a native host is the relay role's, which runs when TRAFFIC=1.
        ip netns exec $CLI ping -6 -c 20 -i 0.01 -W 1 2001:db8:6::20 >>"$DIR/traffic.txt" 2>&1 || true ;;
    server) ip netns exec $CLI ping -c 20 -i 0.01 -W 1 198.51.100.1 >>"$DIR/traffic.txt" 2>&1 || true ;;
    esac
}

# One start of ROLE from tree $2 with cache directory $3, timed: sets TR (exec to /readyz 200, ms), TC (CPU ms
# at /readyz 200) and TS (SIGTERM to exit, ms).
timed_restart() {
    local t0 tr= tc= t1 pid rc=0 gen=
    : >"$DIR/$1.log"
    t0=$(now_ms)
    launch "$1" "$2" "$3" pid
    PID=$pid
    for _ in $(seq 4000); do
        if ready "$1"; then tr=$(( $(now_ms) - t0 )); tc=$(cpu_ms "$pid"); break; fi
        kill -0 "$pid" 2>/dev/null || { cat "$DIR/$1.log" >&2; die "the $1 exited"; }
        sleep 0.005
    done
    : >"$DIR/traffic.txt"
    if [[ "${TRAFFIC:-}" == during && $1 == relay ]]; then
        traffic relay 4 150000 &
        gen=$!
        # The stop comes once the peers are trusted and the data flows (the handshake takes about 1 s).
        for _ in $(seq 100); do grep -q 'first round' "$DIR/traffic.txt" && break; sleep 0.05; done
        sleep 1
    elif [[ -n "${TRAFFIC:-}" ]]; then
        traffic "$1"
    fi
    sleep 0.3 # settle: a supervisor's stop does not come within a millisecond of ready
    t1=$(now_ms)
    kill "$pid"
    wait "$pid" || rc=$?
    TS=$(( $(now_ms) - t1 ))
    PID=
    [[ -z "$gen" ]] || wait "$gen" || true
    TRAFFIC_LINE=$(grep -E '^(t2i|i2t) |^handshake|packets transmitted' "$DIR/traffic.txt" | tr -s ' \n' ' ' || true)
    (( rc == 0 )) || { tail -5 "$DIR/$1.log" >&2; echo "(the $1 exited with $rc)" >&2; }
    TR=${tr:-99999} TC=${tc:-99999}
    sleep 0.5
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
tree_label() { ((${#TREES[@]} == 1)) || echo "${TREES[$1]}, "; }

for role in "${ROLE_LIST[@]}"; do
    declare -A R=() S=() C=() T=()
    [[ $role != client ]] || server_up
    # With traffic, a client's pings to the native host need a relay: the first tree's, cached.
    RELAY_AUX=
    if [[ $role == client && -n "${TRAFFIC:-}" ]]; then
        mkdir -p "$DIR/relay-aux-aot"; launch relay 0 "$DIR/relay-aux-aot" RELAY_AUX
        for _ in $(seq 2000); do ready relay && break; sleep 0.01; done
    fi
    if [[ " ${CACHE_LIST[*]} " == *" aot "* ]]; then
        for tree in "${!TREES[@]}"; do
            mkdir -p "$DIR/aot-$role-$tree"
            timed_restart "$role" "$tree" "$DIR/aot-$role-$tree"
            echo "$role, $(tree_label "$tree")recording start, not counted: ready after $TR ms, stop (writing the cache) $TS ms"
        done
    fi
    for run in $(seq "$RUNS"); do
        for tree in "${!TREES[@]}"; do
            for cache in "${CACHE_LIST[@]}"; do
                timed_restart "$role" "$tree" "$([[ $cache == off ]] && echo off || echo "$DIR/aot-$role-$tree")"
                k=$tree-$cache
                echo "$role run $run, $(tree_label "$tree")cache $cache: ready $TR ms (CPU $TC ms), stop $TS ms, restart $((TR + TS)) ms"
                [[ -z "${TRAFFIC:-}" ]] || echo "  traffic: ${TRAFFIC_LINE:-none seen}"
                R[$k]+=" $TR" S[$k]+=" $TS" C[$k]+=" $TC" T[$k]+=" $((TR + TS))"
            done
        done
    done
    for tree in "${!TREES[@]}"; do
        for cache in "${CACHE_LIST[@]}"; do
            k=$tree-$cache
            # shellcheck disable=SC2086
            echo "median of $RUNS, $role, $(tree_label "$tree")cache $cache${TRAFFIC:+, traffic ${TRAFFIC}}: ready $(median ${R[$k]}) ms" \
                "(CPU $(median ${C[$k]}) ms), stop $(median ${S[$k]}) ms, restart $(median ${T[$k]}) ms"
        done
    done
    [[ -z "$RELAY_AUX" ]] || { kill "$RELAY_AUX"; wait "$RELAY_AUX" || true; }
    unset R S C T
done
server_down
uptime
