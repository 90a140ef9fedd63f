#!/usr/bin/env bash
# Startup to ready (issue 5 target: < 1 s): RUNS starts of our relay in a throw-away namespace, each
# timed from exec to the first /readyz 200 and to the "ready" log line (polled every ~5 ms), then
# stopped with SIGTERM. Prints every run and the medians, and the CPU time the process had used when
# /readyz first answered (user + system of all its threads and of the children it waited for, such as
# `ip`; 10-ms ticks): on a shared machine the wall time also measures the neighbours, the CPU time less so.
#   sudo RUNS=5 bench/startup.sh
#   sudo RUNS=5 JM_JAVA_OPTS="-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=/tmp/jm.jsa" bench/startup.sh
#   sudo RUNS=5 LAUNCHER=1 bench/startup.sh
#   sudo RUNS=5 LAUNCHER=1 TREES="/work/wt/base $PWD" bench/startup.sh
# LAUNCHER=1: the shipped path, bin/jmiredo (its default JVM options), with and without its AOT cache in
# the same run: one start records the cache (not counted), then each run starts once with
# JMIREDO_AOT_CACHE=off and once with the cache, alternately. JM_JAVA_OPTS goes to JMIREDO_JAVA_OPTS.
# CACHES (with LAUNCHER=1): which of "off aot" to time in each run, default both; CACHES=aot halves a run's length
# when only the shipped path counts.
# TREES: checkouts whose relays (their bin/jmiredo with LAUNCHER=1, else their jar) start in turn in
# each run, for old against new in one run; default: this one.
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
read -r -a TREES <<<"${TREES:-$ROOT}"
# Fixed jar paths (mtime kept), so that a CDS archive or AOT cache made by one invocation is valid in the next.
jar_of() { echo "/tmp/jmiredo-startup$( (($1 == 0)) || echo "-$1").jar"; }
for i in "${!TREES[@]}"; do
    cmp -s "${TREES[i]}/relay-server/target/jmiredo.jar" "$(jar_of "$i")" \
        || cp -p "${TREES[i]}/relay-server/target/jmiredo.jar" "$(jar_of "$i")"
done
cat >"$DIR/jmiredo.conf" <<CONF
jmiredo.relay.bind-address = "198.51.100.3"
jmiredo.relay.bind-port = 3545
jmiredo.tun.name = "teredo"
jmiredo.metrics.listen = "127.0.0.1:9544"
jmiredo.transport.event-loops = 1
CONF

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
uptime

# Starts the relay of tree number $1 in the background ($PID): java directly, or the launcher with cache
# directory $2.
start_relay() {
    if [[ -n "${LAUNCHER:-}" ]]; then
        ip netns exec "$NS" env JAVA_HOME="$JAVA_HOME" JMIREDO_AOT_CACHE="$2" JMIREDO_JAVA_OPTS="${JM_JAVA_OPTS:-}" \
            "${TREES[$1]}/bin/jmiredo" relay --config "$DIR/jmiredo.conf" >>"$DIR/relay.log" 2>&1 &
    else
        # shellcheck disable=SC2086
        ip netns exec "$NS" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JM_JAVA_OPTS:-} \
            -jar "$(jar_of "$1")" relay --config "$DIR/jmiredo.conf" >>"$DIR/relay.log" 2>&1 &
    fi
    PID=$!
}

# utime + stime + cutime + cstime of a process, in ms (fields 14 to 17 of /proc/PID/stat).
cpu_ms() {
    sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{ print int(($12 + $13 + $14 + $15) * 1000 / hz) }'
}

# One start of tree $1 (cache directory $2), timed: sets TR (ms to /readyz 200), TL (ms to the ready log
# line) and TC (CPU ms at /readyz 200), then stops it (SIGTERM).
timed_start() {
    local t0 tr= tl= tc=
    : >"$DIR/relay.log"
    t0=$(now_ms)
    start_relay "$1" "$2"
    for _ in $(seq 3000); do
        if [[ -z "$tl" ]] && grep -q ' ready: ' "$DIR/relay.log"; then tl=$(( $(now_ms) - t0 )); fi
        if [[ -z "$tr" ]] && ip netns exec "$NS" curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; then
            tr=$(( $(now_ms) - t0 ))
            tc=$(cpu_ms "$PID")
        fi
        [[ -z "$tr" || -z "$tl" ]] || break
        kill -0 "$PID" 2>/dev/null || { cat "$DIR/relay.log" >&2; die "the relay exited"; }
        sleep 0.005
    done
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    PID=
    TR=${tr:-99999} TL=${tl:-99999} TC=${tc:-99999}
    sleep 0.5
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# "TREE, " when there is more than one tree.
tree_label() { ((${#TREES[@]} == 1)) || echo "${TREES[$1]}, "; }

# Runs RUNS timed starts per tree and cache setting (alternately) and prints each run and the medians.
# Cache "aot" is tree T's directory $DIR/aot-T.
measure() {
    local run cache tree label
    declare -A ready log cpu # keyed "<tree>k<cache>": a key may not be empty
    for run in $(seq "$RUNS"); do
        for tree in "${!TREES[@]}"; do
            for cache in "$@"; do
                timed_start "$tree" "$([[ "$cache" != aot ]] && echo "$cache" || echo "$DIR/aot-$tree")"
                label="$(tree_label "$tree")${cache:+"cache $cache"}"
                echo "run $run${label:+", $label"}: /readyz 200 after $TR ms (CPU $TC ms)," \
                    "'ready' log line after $TL ms"
                ready[${tree}k$cache]+=" $TR"
                log[${tree}k$cache]+=" $TL"
                cpu[${tree}k$cache]+=" $TC"
            done
        done
    done
    for tree in "${!TREES[@]}"; do
        for cache in "$@"; do
            label="$(tree_label "$tree")${cache:+"cache $cache"}"
            # shellcheck disable=SC2086
            echo "median of $RUNS${label:+", $label"}: /readyz 200 after $(median ${ready[${tree}k$cache]}) ms" \
                "(CPU $(median ${cpu[${tree}k$cache]}) ms), 'ready' log line after $(median ${log[${tree}k$cache]}) ms"
        done
    done
}

if [[ -n "${LAUNCHER:-}" ]]; then
    for tree in "${!TREES[@]}"; do
        mkdir "$DIR/aot-$tree"
        timed_start "$tree" "$DIR/aot-$tree"
        echo "recording start, $(tree_label "$tree")not counted: /readyz 200 after $TR ms;" \
            "cache: $(ls "$DIR/aot-$tree")"
        [[ -n "$(ls "$DIR/aot-$tree")" ]] || die "the launcher wrote no AOT cache"
    done
    # shellcheck disable=SC2086
    measure ${CACHES:-off aot}
else
    measure ""
fi
