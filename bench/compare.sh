#!/usr/bin/env bash
# Side-by-side benchmark of Debian's Miredo relay and jmiredo's (issue 5): builds the namespace lab
# (bench/lab.sh), measures the generator's own ceiling against a plain UDP socket, then runs both relays
# alternately over the same load points, and writes BENCHMARKS-style results.
#   sudo bench/compare.sh                 # full matrix (see the variables below)
#   QUICK=1 sudo bench/compare.sh         # first pass: 1 and 1,000 peers, one run each, 3 s
# Matrix knobs (space-separated lists): PEERS SIZES DIRS RATES (0 = as fast as possible) RUNS DURATION
# RELAYS ("jmiredo miredo"); PRIME_RATE (handshake priming, 20000 peers/s), PRIME_TIMEOUT (its bound, 30 s); JM_LOOPS (event loops of our relay, default 1, like Miredo's one thread).
# Output: bench/results/<prefix>/ (JSON per point, logs), or $RESULTS/<prefix>/ with RESULTS=DIR, and,
# unless NO_MD=1, the generated section of BENCHMARKS.md (bench/summarize.py). Every run is bounded; the
# trap removes the lab on any exit. Old tree against new, all results in the new tree:
#   (cd OLD && RESULTS=NEW/bench/results/X RELAYS=jmiredo ... bench/compare.sh); (cd NEW && RESULTS=... )
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
if [[ -n "${QUICK:-}" ]]; then
    : "${PEERS:=1 1000}" "${SIZES:=80 1280}" "${DIRS:=t2i i2t}" "${RATES:=100000 0}" "${RUNS:=1}" "${DURATION:=3}"
fi
PEERS=${PEERS:-1 1000 100000}
SIZES=${SIZES:-80 1280}
DIRS=${DIRS:-t2i i2t}
RATES=${RATES:-100000 0}
RUNS=${RUNS:-3}
DURATION=${DURATION:-5}
RELAYS=${RELAYS:-jmiredo miredo}

# shellcheck source=bench/lab.sh
source "$ROOT/bench/lab.sh"
lab_own_session "$0" "$@"
bench_setup compare.sh "$LAB_PREFIX"
[[ -f "$ROOT/relay-bench/target/relay-bench.jar" ]] || die "build relay-bench first"
command -v miredo >/dev/null || die "miredo is not installed"

{
    echo "date: $(date -u +%FT%TZ)"
    echo "kernel: $(uname -r)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
    echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
    echo "miredo: $(miredo -V 2>&1 | head -1)"
    echo "jmiredo.jar: $(stat -c '%y' "$ROOT/relay-server/target/jmiredo.jar"), sha256 $(sha256sum "$JMIREDO_JAR" | cut -c1-12) (pinned copy)"
    echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "matrix: PEERS=[$PEERS] SIZES=[$SIZES] DIRS=[$DIRS] RATES=[$RATES] RUNS=$RUNS DURATION=${DURATION}s JM_LOOPS=${JM_LOOPS:-1}"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt"

lab_up

bench() {
    ip netns exec "$GEN" nice -n "$LAB_NICE" timeout 300 "$ROOT/bench/jmiredo-bench" --gen-if veth0 --native-netns "$V6" --relay-netns "$RLY" \
        --relay "$RELAY_V4:$RELAY_PORT" --server "$SERVER_V4" --prime-rate "${PRIME_RATE:-20000}" --prime-timeout "${PRIME_TIMEOUT:-30}" "$@"
}

# The generator's ceiling, same sender, plain UDP socket in the relay namespace (no relay running).
for size in $SIZES; do
    bench --direction udp-sink --sink-netns "$RLY" --sink-udp "$RELAY_V4:9999" --peers 1000 --size "$size" \
        --duration "$DURATION" --rate 0 --label "ceiling" --json "$OUT/ceiling-$size.json" | tee -a "$OUT/runs.txt"
done

for run in $(seq "$RUNS"); do
    order=$RELAYS
    if (( run % 2 == 0 )); then
        order=$(echo "$RELAYS" | awk '{for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "")}')
    fi
    for relay in $order; do
        "relay_start_$relay" "$OUT"
        pids=$(relay_pids)
        echo "== run $run: $relay (pids $pids)" | tee -a "$OUT/runs.txt"
        # Warm-up, discarded: JIT for ours, page faults and caches for both.
        bench --direction both --peers 1000 --size 1280 --duration 3 --rate 50000 --relay-pid "$pids" \
            --label warmup >>"$OUT/warmup.txt"
        for peers in $PEERS; do
            for size in $SIZES; do
                for dir in $DIRS; do
                    for rate in $RATES; do
                        name="$relay-p$peers-s$size-$dir-r$rate-run$run"
                        bench --direction "$dir" --peers "$peers" --size "$size" --duration "$DURATION" \
                            --rate "$rate" --relay-pid "$pids" --label "$relay" --json "$OUT/$name.json" \
                            | tee -a "$OUT/runs.txt"
                        if [[ $relay == jmiredo ]] && command -v curl >/dev/null; then
                            # Our relay's own drop counters (cumulative since its start), to place losses.
                            ip netns exec "$RLY" curl -s --max-time 2 http://127.0.0.1:9544/metrics \
                                | grep -E '^jmiredo_.*drop' >"$OUT/$name.metrics" || true
                        fi
                    done
                done
            done
        done
        relay_stop
    done
done

if [[ -z "${NO_MD:-}" ]]; then
    python3 "$ROOT/bench/summarize.py" "$OUT" >"$OUT/summary.md"
    echo "summary: $OUT/summary.md"
fi
