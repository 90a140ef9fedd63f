#!/usr/bin/env bash
# Where a packet's time goes in our relay (issue 5): runs jmiredo's relay under JFR (profile settings)
# in the benchmark lab while the generator offers a bounded load, then prints the hottest methods
# (top frames of jdk.ExecutionSample and jdk.NativeMethodSample) with bench/jfr_top.py.
#   sudo DIR=t2i PEERS=1000 SIZE=80 RATE=100000 DURATION=10 bench/profile.sh
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

JM_JAVA_OPTS="-XX:StartFlightRecording=filename=$OUT/relay.jfr,settings=profile,dumponexit=true ${JM_JAVA_OPTS:-}"
relay_start_jmiredo "$OUT"
pids=$(relay_pids)
bench() {
    ip netns exec "$GEN" timeout 300 "$ROOT/bench/jmiredo-bench" --gen-if veth0 --native-netns "$V6" \
        --relay-netns "$RLY" --relay "$RELAY_V4:$RELAY_PORT" --server "$SERVER_V4" --relay-pid "$pids" "$@"
}
bench --direction both --peers 1000 --size 1280 --duration 3 --rate 50000 --label warmup >"$OUT/warmup.txt"
bench --direction "$DIR" --peers "$PEERS" --size "$SIZE" --duration "$DURATION" --rate "$RATE" \
    --label profile --json "$OUT/profile.json" | tee "$OUT/profile.txt"
relay_stop
"$JAVA_HOME/bin/jfr" print --json --events jdk.ExecutionSample,jdk.NativeMethodSample "$OUT/relay.jfr" >"$OUT/samples.json"
python3 "$ROOT/bench/jfr_top.py" "$OUT/samples.json" | tee "$OUT/top.txt"
rm -f "$OUT/samples.json" # large; regenerate from relay.jfr with jfr print if needed
