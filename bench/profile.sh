#!/usr/bin/env bash
# Where a packet's time goes in our relay (issue 5): runs jmiredo's relay under JFR (profile settings)
# in the benchmark lab while the generator offers a bounded load, then prints the hottest methods
# (top frames of jdk.ExecutionSample and jdk.NativeMethodSample) with bench/jfr_top.py.
#   sudo DIR=t2i PEERS=1000 SIZE=80 RATE=100000 DURATION=10 bench/profile.sh
# PERF=1 samples with perf instead (kernel and Java frames alike, -XX:+PreserveFramePointer and a perf
# map): split.txt (bench/perf_split.py) splits the event loop's samples into kernel (by call) and Java frames.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
DIR=${DIR:-t2i}
PEERS=${PEERS:-1000}
SIZE=${SIZE:-80}
RATE=${RATE:-100000}
DURATION=${DURATION:-10}

# shellcheck source=bench/lab.sh
source "$ROOT/bench/lab.sh"
bench_setup profile.sh "profile-$LAB_PREFIX"
lab_up

if [[ -n "${PERF:-}" ]]; then
    JM_JAVA_OPTS="-XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit ${JM_JAVA_OPTS:-}"
else
    JM_JAVA_OPTS="-XX:StartFlightRecording=filename=$OUT/relay.jfr,settings=profile,dumponexit=true ${JM_JAVA_OPTS:-}"
fi
relay_start_jmiredo "$OUT"
pids=$(relay_pids)
bench() {
    ip netns exec "$GEN" timeout 300 "$ROOT/bench/jmiredo-bench" --gen-if veth0 --native-netns "$V6" \
        --relay-netns "$RLY" --relay "$RELAY_V4:$RELAY_PORT" --server "$SERVER_V4" --relay-pid "$pids" "$@"
}
bench --direction both --peers 1000 --size 1280 --duration 3 --rate 50000 --label warmup >"$OUT/warmup.txt"
if [[ -n "${PERF:-}" ]]; then
    # Sampled after the generator primed the peers (about 20,000 a second here), to the run's end.
    (sleep "$(( PEERS / 20000 + 1 ))"; exec perf record -F 999 -g -p "$RELAY_PID" -o "$OUT/perf.data" \
        -- sleep "$(( DURATION - 2 ))") >"$OUT/perf-record.txt" 2>&1 &
    perf_job=$!
fi
bench --direction "$DIR" --peers "$PEERS" --size "$SIZE" --duration "$DURATION" --rate "$RATE" \
    --label profile --json "$OUT/profile.json" | tee "$OUT/profile.txt"
if [[ -n "${PERF:-}" ]]; then
    wait "$perf_job" || true
    relay_stop
    perf script -i "$OUT/perf.data" 2>/dev/null | python3 "$ROOT/bench/perf_split.py" | tee "$OUT/split.txt"
    exit 0
fi
relay_stop
"$JAVA_HOME/bin/jfr" print --json --events jdk.ExecutionSample,jdk.NativeMethodSample "$OUT/relay.jfr" >"$OUT/samples.json"
python3 "$ROOT/bench/jfr_top.py" "$OUT/samples.json" | tee "$OUT/top.txt"
rm -f "$OUT/samples.json" # large; regenerate from relay.jfr with jfr print if needed
