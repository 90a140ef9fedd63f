#!/usr/bin/env bash
# New peers per second through the bubble handshake (issue 5 target: >= 100,000/s), for each relay on a
# fresh start: PEERS never-seen clients (mapped from 203.0.113.64 so that the warm-up's peers are not
# among them), primed at PRIME_RATE; reports how long until all of them were trusted.
#   sudo PEERS=100000 PRIME_RATE=200000 bench/handshake.sh
# Options: RELAYS, WARM_PEERS (warm the handshake path first), TUN_QLEN (teredo txqueuelen), HS_JFR=1 (JFR of
# the measured handshake). Each relay's CPU (total and per thread), teredo link counters and (ours)
# /metrics are saved before and after the measured handshake.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
PEERS=${PEERS:-100000}
PRIME_RATE=${PRIME_RATE:-200000}
RELAYS=${RELAYS:-jmiredo miredo}

# shellcheck source=bench/lab.sh
source "$ROOT/bench/lab.sh"
bench_setup handshake.sh "handshake-$LAB_PREFIX"
lab_up

for relay in $RELAYS; do
    "relay_start_$relay" "$OUT"
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
    metrics() {
        echo "$(relay_cpu) ticks of relay CPU (utime+stime, 1/$(getconf CLK_TCK) s)" >"$OUT/cpu-$relay-$1.txt"
        # Per thread (event loop, JIT compilers, GC workers...): name and ticks.
        for t in /proc/"$RELAY_PID"/task/*; do
            echo "$(tr ' ' _ <"$t/comm") $(awk '{ print $14 + $15 }' "$t/stat")"
        done 2>/dev/null | sort >"$OUT/threads-$relay-$1.txt" || true
        ip -n "$RLY" -s link show teredo >"$OUT/teredo-$relay-$1.txt" 2>&1 || true
        [[ $relay != jmiredo ]] || ip netns exec "$RLY" curl -s --max-time 2 http://127.0.0.1:9544/metrics >"$OUT/metrics-$1.txt" || true
    }
    metrics before
    # Optional: profile the handshake alone (not the warm-up) with JFR; bench/jfr_top.py reads it.
    [[ -z "${HS_JFR:-}" || $relay != jmiredo ]] || "$JAVA_HOME/bin/jcmd" "$RELAY_PID" JFR.start name=hs settings=profile jdk.ExecutionSample#period=1ms jdk.NativeMethodSample#period=1ms >/dev/null
    bench --direction t2i --peers "$PEERS" --mapped-base 203.0.113.64 --prime-rate "$PRIME_RATE" --size 80 \
        --duration 1 --rate 10000 --label "$relay" --json "$OUT/$relay.json" | tee -a "$OUT/handshake.txt"
    metrics after
    [[ -z "${HS_JFR:-}" || $relay != jmiredo ]] || "$JAVA_HOME/bin/jcmd" "$RELAY_PID" JFR.stop name=hs filename="$OUT/handshake.jfr" >/dev/null
    relay_stop
done
