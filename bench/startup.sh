#!/usr/bin/env bash
# Startup to ready (issue 5 target: < 1 s): RUNS starts of our relay in a throw-away namespace, each
# timed from exec to the first /readyz 200 and to the "ready" log line (polled every ~5 ms), then
# stopped with SIGTERM. Prints every run and the medians.
#   sudo RUNS=5 bench/startup.sh
#   sudo RUNS=5 JM_JAVA_OPTS="-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=/tmp/jm.jsa" bench/startup.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
RUNS=${RUNS:-5}
source <(sed -n '/^find_jdk()/,/^}/p;/^usable_home()/,/^}/p;/^java_major()/,/^}/p' "$ROOT/bench/jmiredo-bench")
MIN_JAVA=25
die() { echo "startup.sh: $*" >&2; exit 1; }
find_jdk

NS=js$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
DIR=$(mktemp -d /tmp/jmiredo-startup.XXXXXX)
PID=
cleanup() {
    [[ -z "$PID" ]] || kill -9 "$PID" 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add d0 type veth peer name d1
ip -n "$NS" link set d1 up
ip -n "$NS" addr add 198.51.100.3/24 dev d0
ip -n "$NS" link set d0 up
# A fixed jar path (mtime kept), so that a CDS archive or AOT cache made by one invocation is valid in the next.
JAR=/tmp/jmiredo-startup.jar
cmp -s "$ROOT/relay-server/target/jmiredo.jar" "$JAR" || cp -p "$ROOT/relay-server/target/jmiredo.jar" "$JAR"
cat >"$DIR/jmiredo.conf" <<CONF
jmiredo.relay.bind-address = "198.51.100.3"
jmiredo.relay.bind-port = 3545
jmiredo.tun.name = "teredo"
jmiredo.metrics.listen = "127.0.0.1:9544"
jmiredo.transport.event-loops = 1
CONF

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
ready_ms=()
log_ms=()
for run in $(seq "$RUNS"); do
    : >"$DIR/relay.log"
    t0=$(now_ms)
    # shellcheck disable=SC2086
    ip netns exec "$NS" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JM_JAVA_OPTS:-} \
        -jar "$JAR" relay --config "$DIR/jmiredo.conf" >>"$DIR/relay.log" 2>&1 &
    PID=$!
    tr= tl=
    for _ in $(seq 3000); do
        if [[ -z "$tl" ]] && grep -q ' ready: ' "$DIR/relay.log"; then tl=$(( $(now_ms) - t0 )); fi
        if [[ -z "$tr" ]] && ip netns exec "$NS" curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; then
            tr=$(( $(now_ms) - t0 ))
        fi
        [[ -z "$tr" || -z "$tl" ]] || break
        kill -0 "$PID" 2>/dev/null || { cat "$DIR/relay.log" >&2; die "the relay exited"; }
        sleep 0.005
    done
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    PID=
    echo "run $run: /readyz 200 after ${tr:-?} ms, 'ready' log line after ${tl:-?} ms"
    ready_ms+=("${tr:-99999}")
    log_ms+=("${tl:-99999}")
    sleep 0.5
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "median of $RUNS: /readyz 200 after $(median "${ready_ms[@]}") ms, 'ready' log line after $(median "${log_ms[@]}") ms"
