# shellcheck shell=bash
# Shared by blackbox17a's scripts (sourced). Two set-ups, both under LAB.md's rules (prefix jmbba-, documentation
# ranges, everything removed on exit):
#   bench_lab NAME        the bench lab of bench/lab.sh with 2 event loops, $W a work directory, bench() the generator
#   min_relay JAR LISTEN  lab_min.sh's one namespace $NS with our relay alone, its metrics on LISTEN
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)

bench_lab() { # BENCH_PREFIX, BENCH_RESULTS: another helper's namespace prefix and results directory (scrapes17)
    LAB_PREFIX=${BENCH_PREFIX:-jmbba}-$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
    source "$ROOT/bench/lab.sh"
    bench_setup "$1" "${BENCH_RESULTS:-blackbox17a}"
    export JM_LOOPS=2
    W=$(mktemp -d "/tmp/$1.XXXXXX")
    trap 'lab_down; rm -rf "$PIN" "$W"' EXIT
    lab_up
}

bench() {
    ip netns exec "$GEN" timeout 120 "$ROOT/bench/jmiredo-bench" --gen-if veth0 --native-netns "$V6" --relay-netns "$RLY" \
        --relay "$RELAY_V4:$RELAY_PORT" --server "$SERVER_V4" "$@"
}

# Starts our relay from $1 ("old" or "new" arm $2); with RENICE=N the new arm's metrics thread gets nice N.
start_arm() {
    JMIREDO_JAR=$1 relay_start_jmiredo "$W"
    if [[ $2 == new && -n "${RENICE:-}" ]]; then
        for t in /proc/"$(relay_pids | cut -d, -f1)"/task/*; do
            [[ "$(cat "$t/comm")" == jmiredo-metrics ]] && renice -n "$RENICE" -p "${t##*/}" >/dev/null
        done
    fi
    return 0
}

min_relay() {
    NS=jmbba-m$$
    JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
    DIR=$(mktemp -d /tmp/jmbba.XXXXXX)
    trap '[[ -n "${RPID:-}" ]] && kill "$RPID" 2>/dev/null; wait 2>/dev/null; ip netns del "$NS" 2>/dev/null; rm -rf "$DIR"' EXIT
    "$HERE/lab_min.sh" up "$NS"
    for i in $(seq 100 115); do ip -n "$NS" -6 addr add "2001:db8:6::$i/64" dev d0 nodad; done
    cat >"$DIR/relay.conf" <<CONF
jmiredo.relay { bind-address = "198.51.100.3", bind-port = 3545, warm-up-peers = 0 }
jmiredo.tun.name = "bbat$$"
jmiredo.metrics.listen = "$2"
CONF
    ip netns exec "$NS" "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "$1" \
        relay --config "$DIR/relay.conf" >"$DIR/relay.log" 2>&1 &
    RPID=$!
    for _ in $(seq 100); do ip netns exec "$NS" curl -s -m 1 http://198.51.100.3:9544/readyz >/dev/null && break; sleep 0.2; done
}
