#!/usr/bin/env bash
# A long run at a fraction of the saturation rate, for loss and GC pauses (issue 5: no loss at 90 % of
# the maximum for 60 s; GC pauses < 1 ms at p99). Our relay only, fresh start, with a GC log:
#   1. warm-up (as compare.sh), 2. the saturation rate in this run (rate 0, MAX_DURATION s),
#   3. FRACTION x that rate for DURATION s, 4. GC pause percentiles of the whole log (bench/gc_pauses.py).
#   sudo DURATION=60 bench/soak.sh                                  # G1 (the JVM default)
#   sudo DURATION=60 JM_JAVA_OPTS="-XX:+UseZGC" bench/soak.sh       # generational ZGC
# Knobs: DIR (t2i), PEERS (1000), SIZE (80), FRACTION (0.9), RATE (skip step 2 and use this rate),
# JM_LOOPS (1), SOAK_JAR (a jar to run instead of relay-server/target/jmiredo.jar, e.g. a "before" build),
# TUN_QLEN (set the teredo interface's txqueuelen after start: the queue IPv6->Teredo packets wait in),
# RELAY (jmiredo, or miredo: Debian's relay the same way, without the JVM's logs), LAB_NICE (bench/lab.sh),
# RETURN_RATE (i2t: the clients also send this many packets/s back, as TCP's ACKs would, which keeps
# their peers trusted; without it every peer's trust lapses 30 s after its handshake, all at once),
# SAMPLE=1 (what coincides with a loss: bench/soak_sampler.py every 10 ms through the soak, the JVM's
# safepoints in safepoint.log, and for i2t bench/soak_bursts.py's account of them in bursts.txt).
# Around the soak it saves the kernel's side of the loss: the relay namespace's UDP counters (nstat:
# RcvbufErrors, SndbufErrors), the relay sockets' memory (ss -m: rb = the SO_RCVBUF the kernel gave) and
# the tunnel's tx drops (ip -s link), in kernel-before/after.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
DIR=${DIR:-t2i}
PEERS=${PEERS:-1000}
SIZE=${SIZE:-80}
FRACTION=${FRACTION:-0.9}
DURATION=${DURATION:-60}
MAX_DURATION=${MAX_DURATION:-5}

# shellcheck source=bench/lab.sh
source "$ROOT/bench/lab.sh"
lab_own_session "$0" "$@"
bench_setup soak.sh "soak-$LAB_PREFIX"
[[ -z "${SOAK_JAR:-}" ]] || cp "$SOAK_JAR" "$JMIREDO_JAR"
RELAY=${RELAY:-jmiredo}
JM_JAVA_OPTS="${JM_JAVA_OPTS:-} -Xlog:gc*:file=$OUT/gc.log:uptime,level,tags"
# timenanos is System.nanoTime (CLOCK_MONOTONIC), the sampler's clock.
[[ -z "${SAMPLE:-}" ]] || JM_JAVA_OPTS="$JM_JAVA_OPTS -Xlog:safepoint:file=$OUT/safepoint.log:timenanos,uptimenanos"
echo "RELAY=$RELAY LAB_NICE=$LAB_NICE RELAY_NICE=${RELAY_NICE:-} ($(cat /proc/$$/autogroup)) JM_JAVA_OPTS=$JM_JAVA_OPTS SOAK_JAR=${SOAK_JAR:-} JM_LOOPS=${JM_LOOPS:-1} TUN_QLEN=${TUN_QLEN:-} DIR=$DIR PEERS=$PEERS SIZE=$SIZE FRACTION=$FRACTION DURATION=$DURATION SAMPLE=${SAMPLE:-} RETURN_RATE=${RETURN_RATE:-}" | tee "$OUT/params.txt"
uptime | tee -a "$OUT/params.txt"
lab_up

"relay_start_$RELAY" "$OUT"
[[ -z "${TUN_QLEN:-}" ]] || ip -n "$RLY" link set teredo txqueuelen "$TUN_QLEN"
pids=$(relay_pids)
bench() {
    ip netns exec "$GEN" nice -n "$LAB_NICE" timeout 700 "$ROOT/bench/jmiredo-bench" --gen-if veth0 --native-netns "$V6" \
        --relay-netns "$RLY" --relay "$RELAY_V4:$RELAY_PORT" --server "$SERVER_V4" --relay-pid "$pids" "$@"
}
bench --direction both --peers 1000 --size 1280 --duration 3 --rate 50000 --label warmup >"$OUT/warmup.txt"
RETURN=()
[[ -z "${RETURN_RATE:-}" ]] || RETURN=(--return-rate "$RETURN_RATE")
if [[ -z "${RATE:-}" ]]; then
    bench --direction "$DIR" "${RETURN[@]}" --peers "$PEERS" --size "$SIZE" --duration "$MAX_DURATION" --rate 0 --label max \
        --json "$OUT/max.json" | tee "$OUT/max.txt"
    max=$(python3 -c 'import json,sys; j = json.load(open(sys.argv[1])); print(int(j[j["direction"]]["delivered_pps"]))' "$OUT/max.json")
    RATE=$(python3 -c "print(int($max * $FRACTION))")
    echo "saturation: $max pkt/s delivered; soak at $FRACTION x = $RATE pkt/s" | tee -a "$OUT/params.txt"
fi
kernel_side() {
    ip netns exec "$RLY" nstat -az 'Udp*' | grep -E 'InDatagrams|RcvbufErrors|SndbufErrors|InErrors'
    ip netns exec "$RLY" ss -Huanm "sport = :$RELAY_PORT"
    ip -s -n "$RLY" link show teredo
}
ip netns exec "$RLY" curl -s --max-time 2 http://127.0.0.1:9544/metrics | grep -E '^jmiredo_(dropped|udp_socket|tun_tx)' >"$OUT/drops-before.txt" || true
kernel_side >"$OUT/kernel-before.txt" 2>&1 || true
if [[ -n "${SAMPLE:-}" ]]; then
    ip netns exec "$RLY" nice -n "$LAB_NICE" python3 "$ROOT/bench/soak_sampler.py" "$OUT/samples.jsonl" "$RLY" "$GEN" 10 $((DURATION + 30)) &
    SAMPLER_PID=$!
fi
bench --direction "$DIR" "${RETURN[@]}" --peers "$PEERS" --size "$SIZE" --duration "$DURATION" --rate "$RATE" --label soak \
    --json "$OUT/soak.json" | tee "$OUT/soak.txt"
ip netns exec "$RLY" curl -s --max-time 2 http://127.0.0.1:9544/metrics | grep -E '^jmiredo_(dropped|udp_socket|tun_tx)' >"$OUT/drops-after.txt" || true
kernel_side >"$OUT/kernel-after.txt" 2>&1 || true
python3 - "$OUT/kernel-before.txt" "$OUT/kernel-after.txt" <<'PY' | tee "$OUT/kernel.txt"
import re, sys
def udp(path):
    return {m[0]: int(m[1]) for m in re.findall(r'^(Udp\w+)\s+(\d+)', open(path).read(), re.M)}
before, after = udp(sys.argv[1]), udp(sys.argv[2])
print("kernel during the soak: " + ", ".join(f"{k} +{after[k] - before.get(k, 0)}" for k in sorted(after)))
rb = re.findall(r'rb(\d+)', open(sys.argv[2]).read())
print("relay sockets' SO_RCVBUF as the kernel reports it (ss -m rb): " + (", ".join(rb) or "?"))
PY
if [[ -n "${SAMPLE:-}" ]]; then
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
fi
diff "$OUT/drops-before.txt" "$OUT/drops-after.txt" | grep '^>' || echo "relay drop counters: no change during the soak"
relay_stop
[[ "$RELAY" != jmiredo ]] || python3 "$ROOT/bench/gc_pauses.py" "$OUT/gc.log" | tee "$OUT/gc.txt"
if [[ -n "${SAMPLE:-}" ]]; then
    # The drops it accounts are the tunnel queue's, the IPv6->Teredo direction's.
    [[ "$DIR" != i2t ]] || python3 "$ROOT/bench/soak_bursts.py" "$OUT" | tee "$OUT/bursts.txt"
    gzip "$OUT/samples.jsonl" # about 2.5 MB a minute, a quarter of that compressed
fi
echo "results: $OUT"
