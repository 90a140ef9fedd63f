#!/usr/bin/env bash
# New peers per second through the bubble handshake (issue 5 target: >= 100,000/s), for each relay on a
# fresh start: PEERS never-seen clients (mapped from 203.0.113.64 so that the warm-up's peers are not
# among them), primed at PRIME_RATE; reports how long until all of them were trusted.
#   sudo PEERS=100000 PRIME_RATE=200000 bench/handshake.sh
# Options: RELAYS, WARM_PEERS (warm the handshake path first), TUN_QLEN (teredo txqueuelen), HS_JFR=1 (JFR of
# the measured handshake), HS_SYSCALLS=1 (perf counts of the relay's system calls over the measured handshake),
# HS_PERF=1 (perf samples of the measured handshake, kernel and Java frames: split-<variant>.txt),
# REPEAT=N (the RELAYS sequence N times, alternating), HS_SETTLE=SECONDS (an idle pause before the measured
# handshake, e.g. for the relay's own warm-up and the compilations it queued to end; SETTLE_LABEL for variant
# jmiredo@LABEL alone). Each relay's CPU (total and
# per thread), teredo link counters and (ours) /metrics are saved before and after the measured handshake.
# Variants of our relay in the same run: RELAYS="jmiredo jmiredo@base miredo" runs "jmiredo@LABEL" from
# JAR_LABEL (default the main jar) with OPTS_LABEL as its JVM options (default
# JM_JAVA_OPTS) and CONF_LABEL appended to its configuration, e.g.
#   JAR_base=/tmp/main.jar OPTS_aot="-XX:AOTCache=/tmp/hs.aot" RELAYS="jmiredo@base jmiredo@aot" REPEAT=2
# JAR_LABEL is pinned when it lies in this repository (colleagues rebuild target/), else used in place: an AOT
# cache only fits the jar file it was recorded with. AOT training: a variant whose OPTS_LABEL hold
# "-XX:AOTMode=record -XX:AOTConfiguration=FILE" gets a clean exit (the JVM writes FILE then); create the cache
# from it with: java -XX:AOTMode=create -XX:AOTConfiguration=FILE -XX:AOTCache=CACHE -jar <the same jar path>.
# Or as bin/jmiredo does on a first start: OPTS_train="-XX:AOTCacheOutput=CACHE" (written at the clean exit),
# then OPTS_aot="-XX:AOTCache=CACHE" with JAR_train and JAR_aot the same file outside this repository.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
PEERS=${PEERS:-100000}
PRIME_RATE=${PRIME_RATE:-200000}
RELAYS=${RELAYS:-jmiredo miredo}

# shellcheck source=bench/lab.sh
source "$ROOT/bench/lab.sh"
bench_setup handshake.sh "handshake-$LAB_PREFIX"
lab_up

# Pin each variant's jar as bench_setup pinned the main one (colleagues rebuild while a run goes on).
for relay in $RELAYS; do
    if [[ $relay == jmiredo@* ]]; then
        jar_var=JAR_${relay#jmiredo@}
        [[ "$(readlink -f "${!jar_var:-/}")" != "$ROOT"/* ]] || { cp "${!jar_var}" "$PIN/${relay#jmiredo@}.jar"; printf -v "$jar_var" %s "$PIN/${relay#jmiredo@}.jar"; }
    fi
done
MAIN_JAR=$JMIREDO_JAR
MAIN_OPTS=${JM_JAVA_OPTS:-}

# Starts one relay of RELAYS: "miredo", "jmiredo" or "jmiredo@LABEL" (its own jar, JVM options and config).
start_variant() {
    local relay=$1 label var
    if [[ $relay == jmiredo@* ]]; then
        label=${relay#jmiredo@}
        var=JAR_$label; JMIREDO_JAR=${!var:-$MAIN_JAR}
        var=OPTS_$label; JM_JAVA_OPTS=${!var-$MAIN_OPTS}
        var=CONF_$label; JM_CONF_EXTRA=${!var:-}
        JM_JAVA_OPTS="$PERF_OPTS $JM_JAVA_OPTS" relay_start_jmiredo "$OUT"
    else
        JMIREDO_JAR=$MAIN_JAR JM_JAVA_OPTS="$PERF_OPTS $MAIN_OPTS" JM_CONF_EXTRA="" "relay_start_$relay" "$OUT"
    fi
}
# HS_PERF=1: Java frames that perf can walk and name (frame pointers, a perf map written at exit).
PERF_OPTS=
[[ -z "${HS_PERF:-}" ]] || PERF_OPTS="-XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit"

for ((rep = 1; rep <= ${REPEAT:-1}; rep++)); do
for variant in $RELAYS; do
    # Files are named after the variant ("jmiredo@base" -> "jmiredo-base"), and the repetition if REPEAT > 1.
    relay=${variant/@/-}
    (( ${REPEAT:-1} == 1 )) || relay=$relay-r$rep
    echo "$relay: $(uptime)" >>"$OUT/load.txt" # the machine is shared: its load when each variant started
    start_variant "$variant"
    pids=$(relay_pids)
    # Optional: a longer kernel queue in front of the tunnel (the default txqueuelen is 500).
    [[ -z "${TUN_QLEN:-}" ]] || ip -n "$RLY" link set teredo txqueuelen "$TUN_QLEN"
    bench() {
        ip netns exec "$GEN" timeout 300 "$ROOT/bench/jmiredo-bench" --gen-if veth0 --native-netns "$V6" \
            --relay-netns "$RLY" --relay "$RELAY_V4:$RELAY_PORT" --server "$SERVER_V4" --relay-pid "$pids" "$@"
    }
    bench --direction both --peers 1000 --size 1280 --duration 3 --rate 50000 --label warmup >"$OUT/warmup-$relay.txt"
    # Optional: warm the handshake path itself (JIT) with WARM_PEERS other new peers (mapped from
    # 203.0.113.96), so that the measured round is the steady-state rate, not the first compilation.
    if (( ${WARM_PEERS:-0} > 0 )); then
        bench --direction t2i --peers "$WARM_PEERS" --mapped-base 203.0.113.96 --prime-rate "$PRIME_RATE" --size 80 \
            --duration 1 --rate 10000 --label hs-warmup >>"$OUT/warmup-$relay.txt"
    fi
    # CPU seconds (utime + stime) of every process in the relay namespace, from /proc/PID/stat.
    relay_cpu() {
        local p t=0
        for p in $(ip netns pids "$RLY"); do
            t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
        done
        echo "$t"
    }
    scrape() {
        [[ $relay != jmiredo* ]] || ip netns exec "$RLY" curl -s --max-time 2 http://127.0.0.1:9544/metrics >"$OUT/metrics-$relay-$1.txt" || true
    }
    # Counters before and after the measured call; the scrapes lie outside the CPU window (one costs the
    # relay about 0.2 s of CPU at 100,000 peers, as jmiredo-metrics thread time).
    metrics() {
        [[ $1 != before ]] || scrape "$1"
        echo "$(relay_cpu) ticks of relay CPU (utime+stime, 1/$(getconf CLK_TCK) s)" >"$OUT/cpu-$relay-$1.txt"
        # Per thread of every relay process (event loop, JIT compilers, GC workers, Miredo's two): user, system.
        threads_cpu "$pids" | sort >"$OUT/threads-$relay-$1.txt" || true
        ip -n "$RLY" -s link show teredo >"$OUT/teredo-$relay-$1.txt" 2>&1 || true
        ip -n "$RLY" -s link show veth4 >"$OUT/udp-$relay-$1.txt" 2>&1 || true # the relay's datagrams, both ways
        [[ $1 != after ]] || scrape "$1"
    }
    # Optional: let the relay settle first (its handshake warm-up steps aside while the warm-up above runs).
    settle=SETTLE_${variant#jmiredo@}
    settle=${!settle:-${HS_SETTLE:-}}
    [[ -z "$settle" ]] || sleep "$settle"
    metrics before
    # Optional: profile the handshake alone (not the warm-up) with JFR; bench/jfr_top.py reads it.
    [[ -z "${HS_JFR:-}" || $relay != jmiredo* ]] || "$JAVA_HOME/bin/jcmd" "$RELAY_PID" JFR.start name=hs settings=profile jdk.ExecutionSample#period=1ms jdk.NativeMethodSample#period=1ms jdk.Compilation#threshold=0ms >/dev/null
    # Optional: count the relay's system calls over the measured call (perf tracepoints, as bench/syscalls.sh).
    # Or (HS_PERF=1) sample it, kernel and Java frames, for bench/perf_split.py after the relay's exit.
    perf_pid=
    if [[ -n "${HS_SYSCALLS:-}" ]]; then
        perf stat -x, -e "$SYSCALL_EVENTS" -p "$pids" -o "$OUT/perf-$relay.csv" &
        perf_pid=$!
    elif [[ -n "${HS_PERF:-}" ]]; then
        perf record -F 999 -g -p "$pids" -o "$OUT/perf-$relay.data" >"$OUT/perf-record-$relay.txt" 2>&1 &
        perf_pid=$!
    fi
    [[ -z "$perf_pid" ]] || sleep 0.5 # perf attaches to every thread first
    bench --direction t2i --peers "$PEERS" --mapped-base 203.0.113.64 --prime-rate "$PRIME_RATE" --size 80 \
        --duration 1 --rate 10000 --label "$relay" --json "$OUT/$relay.json" | tee -a "$OUT/handshake.txt"
    [[ -z "$perf_pid" ]] || { kill -INT "$perf_pid"; wait "$perf_pid" || true; }
    metrics after
    [[ -z "${HS_JFR:-}" || $relay != jmiredo* ]] || "$JAVA_HOME/bin/jcmd" "$RELAY_PID" JFR.stop name=hs filename="$OUT/handshake-$relay.jfr" >/dev/null
    if [[ $variant == jmiredo* && "${JM_JAVA_OPTS:-}" == *@(AOTMode=record|AOTCacheOutput=)* ]]; then
        # A clean exit writes the AOT configuration (or, with -XX:AOTCacheOutput as the launcher records it,
        # the cache itself); give it longer than relay_stop's 5 s.
        kill "$RELAY_PID"
        timeout 60 tail --pid="$RELAY_PID" -f /dev/null || true
    fi
    relay_stop
    if [[ -n "${HS_PERF:-}" ]]; then
        perf script -i "$OUT/perf-$relay.data" 2>/dev/null | python3 "$ROOT/bench/perf_split.py" >"$OUT/split-$relay.txt" || true
    fi
done
done
# One line per measured handshake: first round, CPU per new peer, tunnel drops.
"$ROOT/bench/handshake_summary.py" "$OUT" | tee "$OUT/summary.txt"
