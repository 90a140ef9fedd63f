# shellcheck shell=bash
# The benchmark lab (sourced by compare.sh; LAB.md rules): four namespaces with a per-run prefix,
#   gen  198.51.100.2 (+ .1, the Teredo server the clients embed); clients mapped on 203.0.113.16+
#   rly  198.51.100.3 (UDP 3545) | 2001:db8:6::3, forwarding, 2001::/32 -> teredo
#   v6   2001:db8:6::20, 2001::/32 via the relay (native IPv6 host: sink and IPv6 source)
#   hub  bridges br4 (gen, rly) and br6 (rly, v6)
# Nothing is routed out of these namespaces; documentation ranges only.

LAB_PREFIX=${LAB_PREFIX:-jb$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')}
HUB=$LAB_PREFIX-hub
GEN=$LAB_PREFIX-gen
RLY=$LAB_PREFIX-rly
V6=$LAB_PREFIX-v6
RELAY_V4=198.51.100.3
RELAY_PORT=3545
GEN_V4=198.51.100.2
SERVER_V4=198.51.100.1
MAPPED_NET=203.0.113.0/24
RELAY_V6=2001:db8:6::3
NATIVE_V6=2001:db8:6::20
RELAY_PID=
# LAB_NICE=N (e.g. -10) gives the lab the CPU before other work on a shared host: see lab_own_session.
# RELAY_NICE=N starts the relay (either) at nice N instead of LAB_NICE: e.g. -15 with LAB_NICE=-10 gives it the
# CPU before the generator, which shares the lab's session (and so its autogroup) with it.
LAB_NICE=${LAB_NICE:-0}

# The prologue of every benchmark script: a JDK 25 (found as bench/jmiredo-bench finds one), $OUT =
# $RESULTS/<name>, and the relay jar pinned into a temporary copy (colleagues rebuild target/ while a run
# goes on); the lab and the copy are removed on any exit. RESULTS defaults to bench/results of the tree
# the script runs from; set it to write elsewhere, e.g. an old tree's runs into the current tree.
bench_setup() {
    local script=$1 results=$2
    source <(sed -n '/^find_jdk()/,/^}/p;/^usable_home()/,/^}/p;/^java_major()/,/^}/p' "$ROOT/bench/jmiredo-bench")
    MIN_JAVA=25
    eval "die() { echo \"$script: \$*\" >&2; exit 1; }"
    find_jdk
    [[ -f "$ROOT/relay-server/target/jmiredo.jar" ]] || die "build relay-server first (relay-server/target/jmiredo.jar)"
    OUT=$(realpath -m "${RESULTS:-$ROOT/bench/results}")/$results
    mkdir -p "$OUT"
    trap 'lab_down; [[ -z "${PIN:-}" ]] || rm -rf "$PIN"' EXIT
    trap 'exit 130' INT TERM
    PIN=$(mktemp -d /tmp/jmiredo-bench-pin.XXXXXX)
    cp "$ROOT/relay-server/target/jmiredo.jar" "$PIN/jmiredo.jar"
    JMIREDO_JAR=$PIN/jmiredo.jar
}

# With LAB_NICE set, a script's first call, as lab_own_session "$0" "$@": it runs the script again as
# the leader of a session of its own, whose scheduler autogroup (kernel.sched_autogroup_enabled, on
# here) then gets nice LAB_NICE, and the relay (either) and the generator start at that nice too. With
# autogroups the CPU is shared out between sessions first, and a process's own nice only counts inside
# its session: colleagues' builds and tests in their sessions otherwise take a session's share each
# while the relay, the generator and their softirq work share one, which shows up as loss (BENCHMARKS.md,
# fifth iteration). Both relays alike; the group's nice ends with the session.
lab_own_session() {
    [[ "$LAB_NICE" != 0 ]] || return 0
    if [[ "$(ps -o sid= -p $$ | tr -d ' ')" != "$$" ]]; then
        exec setsid --wait "$@"
    fi
    echo "$LAB_NICE" >/proc/$$/autogroup
}

lab_up() {
    local ns
    for ns in "$HUB" "$GEN" "$RLY" "$V6"; do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    done
    ip -n "$HUB" link add br4 type bridge
    ip -n "$HUB" link add br6 type bridge
    ip -n "$HUB" link add g4 type veth peer name veth0 netns "$GEN"
    ip -n "$HUB" link add r4 type veth peer name veth4 netns "$RLY"
    ip -n "$HUB" link add r6 type veth peer name veth6 netns "$RLY"
    ip -n "$HUB" link add v6 type veth peer name veth0 netns "$V6"
    for l in g4 r4; do ip -n "$HUB" link set "$l" master br4 up; done
    for l in r6 v6; do ip -n "$HUB" link set "$l" master br6 up; done
    ip -n "$HUB" link set br4 up
    ip -n "$HUB" link set br6 up

    ip -n "$GEN" addr add "$GEN_V4/24" dev veth0
    ip -n "$GEN" addr add "$SERVER_V4/24" dev veth0
    ip -n "$GEN" link set veth0 up
    # The generator reads the relay's datagrams from a packet socket, before the IP stack: drop them
    # afterwards, so neither the server port nor the ~million client ports provoke ICMP errors.
    ip netns exec "$GEN" iptables -t raw -A PREROUTING -i veth0 -p udp -d "$MAPPED_NET" -j DROP
    ip netns exec "$GEN" iptables -t raw -A PREROUTING -i veth0 -p udp -d "$SERVER_V4" --dport 3544 -j DROP

    ip -n "$RLY" addr add "$RELAY_V4/24" dev veth4
    ip -n "$RLY" addr add "$RELAY_V6/64" dev veth6 nodad
    ip -n "$RLY" link set veth4 up
    # The generator reads the relay's datagrams from a packet socket, which would see a UDP GSO send
    # (transport.udp-gso) whole, as one datagram cut at the socket's slot: the relay's device cuts such
    # sends into datagrams in software (at most 1 segment per packet), as a NIC without UDP segmentation
    # offload does. Nothing else the relay sends is a GSO packet, so plain sends are unaffected.
    ip -n "$RLY" link set dev veth4 gso_max_segs 1
    ip -n "$RLY" link set veth6 up
    ip -n "$RLY" route add "$MAPPED_NET" via "$GEN_V4"
    ip netns exec "$RLY" sysctl -qw net.ipv6.conf.all.forwarding=1

    ip -n "$V6" addr add "$NATIVE_V6/64" dev veth0 nodad
    ip -n "$V6" link set veth0 up
    ip -n "$V6" -6 route add 2001::/32 via "$RELAY_V6"
    # Resolve the neighbours once so that the first measured packets are not queued behind ND/ARP.
    ip netns exec "$V6" ping -6 -c1 -W2 "$RELAY_V6" >/dev/null || true
    ip netns exec "$GEN" ping -c1 -W2 "$RELAY_V4" >/dev/null || true
}

# Ends what runs in our namespaces (only processes we started live there), then removes them.
lab_down() {
    local ns pid
    relay_stop || true
    for ns in "$GEN" "$RLY" "$V6" "$HUB"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill "$pid" 2>/dev/null || true
        done
    done
    sleep 0.5
    for ns in "$GEN" "$RLY" "$V6" "$HUB"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -9 "$pid" 2>/dev/null || true
        done
        ip netns del "$ns" 2>/dev/null || true
    done
}

# Polls $2 (a command) for up to $1 seconds.
wait_for() {
    local limit=$1 i
    shift
    for ((i = 0; i < limit * 10; i++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

relay_serving() {
    ip -n "$RLY" link show teredo 2>/dev/null | grep -q ',UP' \
        && ip -n "$RLY" -6 route show 2001::/32 | grep -q 'dev teredo' \
        && ip netns exec "$RLY" ss -Hlun "sport = :$RELAY_PORT" | grep -q .
}

# Debian's Miredo relay in a private mount namespace (its pid file), as LAB.md shows.
relay_start_miredo() {
    local dir=$1
    cat >"$dir/miredo.conf" <<CONF
RelayType cone
InterfaceName teredo
BindAddress $RELAY_V4
BindPort $RELAY_PORT
CONF
    ip netns exec "$RLY" nice -n "${RELAY_NICE:-$LAB_NICE}" unshare -m sh -c "mount -t tmpfs none /var/run && mkdir -p /var/run/miredo && exec miredo -f -c $dir/miredo.conf -u nobody" \
        >>"$dir/miredo.log" 2>&1 &
    RELAY_PID=$!
    wait_for 15 ip -n "$RLY" link show teredo || { echo "miredo did not create teredo" >&2; return 1; }
    ip -n "$RLY" -6 route replace 2001::/32 dev teredo
    wait_for 15 relay_serving || { echo "miredo is not serving" >&2; return 1; }
}

# Our relay from the packaged jar; it routes the prefix itself.
relay_start_jmiredo() {
    local dir=$1
    cat >"$dir/jmiredo.conf" <<CONF
jmiredo.relay.bind-address = "$RELAY_V4"
jmiredo.relay.bind-port = $RELAY_PORT
jmiredo.tun.name = "teredo"
jmiredo.metrics.listen = "127.0.0.1:9544"
jmiredo.peers.max = ${JM_PEERS_MAX:-1048576}
jmiredo.transport.event-loops = ${JM_LOOPS:-1}
${JM_CONF_EXTRA:-}
CONF
    # shellcheck disable=SC2086
    ip netns exec "$RLY" nice -n "${RELAY_NICE:-$LAB_NICE}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JM_JAVA_OPTS:-} \
        -jar "${JMIREDO_JAR:-$ROOT/relay-server/target/jmiredo.jar}" relay --config "$dir/jmiredo.conf" >>"$dir/jmiredo.log" 2>&1 &
    RELAY_PID=$!
    wait_for 30 relay_serving || { echo "jmiredo is not serving (see $dir/jmiredo.log)" >&2; return 1; }
}

# The system calls a relay's loop makes, as perf tracepoints (bench/syscalls.sh, HS_SYSCALLS in handshake.sh).
SYSCALL_EVENTS=$(printf 'syscalls:sys_enter_%s,' epoll_wait epoll_pwait epoll_pwait2 poll ppoll select pselect6 read \
    readv write writev recvmsg recvmmsg recvfrom sendmsg sendmmsg sendto futex)
SYSCALL_EVENTS=${SYSCALL_EVENTS%,}

# One line per thread of the relay's processes ($1: pids, comma-separated): name, user and system clock ticks.
threads_cpu() {
    local pid t
    for pid in ${1//,/ }; do
        for t in /proc/"$pid"/task/*; do
            awk -v name="$(tr ' ' _ <"$t/comm")" '{sub(/^.*\) /, ""); print name, $12, $13}' "$t/stat" 2>/dev/null || true
        done
    done
}

relay_pids() {
    ip netns pids "$RLY" | paste -sd, -
}

relay_stop() {
    if [[ -n "$RELAY_PID" ]]; then
        kill "$RELAY_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$RELAY_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$RELAY_PID" 2>/dev/null || true
        wait "$RELAY_PID" 2>/dev/null || true
        RELAY_PID=
    fi
    # Miredo's children and anything else left in rly, then the tunnel (a killed relay may leave it).
    local pid
    for pid in $(ip netns pids "$RLY" 2>/dev/null); do
        kill "$pid" 2>/dev/null || true
    done
    wait_for 5 bash -c "! ip -n $RLY link show teredo" || ip -n "$RLY" link del teredo 2>/dev/null || true
}
