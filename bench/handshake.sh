#!/usr/bin/env bash
# New peers per second through the bubble handshake (issue 5 target: >= 100,000/s), for each relay on a
# fresh start: PEERS never-seen clients (mapped from 203.0.113.64 so that the warm-up's peers are not
# among them), primed at PRIME_RATE; reports how long until all of them were trusted.
#   sudo PEERS=100000 PRIME_RATE=200000 bench/handshake.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
PEERS=${PEERS:-100000}
PRIME_RATE=${PRIME_RATE:-200000}
RELAYS=${RELAYS:-jmiredo miredo}

# shellcheck source=bench/lab.sh
source "$ROOT/bench/lab.sh"
source <(sed -n '/^find_jdk()/,/^}/p;/^usable_home()/,/^}/p;/^java_major()/,/^}/p' "$ROOT/bench/jmiredo-bench")
MIN_JAVA=25
die() { echo "handshake.sh: $*" >&2; exit 1; }
find_jdk

OUT=$ROOT/bench/results/handshake-$LAB_PREFIX
mkdir -p "$OUT"
trap 'lab_down; [[ -z "${PIN:-}" ]] || rm -rf "$PIN"' EXIT
trap 'exit 130' INT TERM
PIN=$(mktemp -d /tmp/jmiredo-bench-pin.XXXXXX)
cp "$ROOT/relay-server/target/jmiredo.jar" "$PIN/jmiredo.jar"
JMIREDO_JAR=$PIN/jmiredo.jar
lab_up

for relay in $RELAYS; do
    "relay_start_$relay" "$OUT"
    pids=$(relay_pids)
    bench() {
        ip netns exec "$GEN" timeout 300 "$ROOT/bench/jmiredo-bench" --gen-if veth0 --native-netns "$V6" \
            --relay-netns "$RLY" --relay "$RELAY_V4:$RELAY_PORT" --server "$SERVER_V4" --relay-pid "$pids" "$@"
    }
    bench --direction both --peers 1000 --size 1280 --duration 3 --rate 50000 --label warmup >"$OUT/warmup-$relay.txt"
    bench --direction t2i --peers "$PEERS" --mapped-base 203.0.113.64 --prime-rate "$PRIME_RATE" --size 80 \
        --duration 1 --rate 10000 --label "$relay" --json "$OUT/$relay.json" | tee -a "$OUT/handshake.txt"
    relay_stop
done
