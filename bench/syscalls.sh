#!/usr/bin/env bash
# System calls per delivered packet, ours against Miredo's (issue 5): each relay in turn in the
# benchmark lab (bench/lab.sh) under one bounded load point, while `perf stat` counts the relay's
# syscall entries (tracepoints) over the measured window. The counts explain CPU per packet that the
# kernel's side of the loop dominates: wake-ups (epoll_wait / poll), empty reads, writes.
#   sudo DIR=t2i PEERS=100000 SIZE=80 RATE=100000 DURATION=6 bench/syscalls.sh
# RELAYS ("jmiredo miredo"); JM_JAVA_OPTS, JM_CONF_EXTRA as in lab.sh. Output bench/results/syscalls-<prefix>/.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
DIR=${DIR:-t2i}
PEERS=${PEERS:-100000}
SIZE=${SIZE:-80}
RATE=${RATE:-100000}
DURATION=${DURATION:-6}
RELAYS=${RELAYS:-jmiredo miredo}

# shellcheck source=bench/lab.sh
source "$ROOT/bench/lab.sh"
bench_setup syscalls.sh "syscalls-$LAB_PREFIX"
lab_up
echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/machine.txt"

bench() {
    ip netns exec "$GEN" timeout 300 "$ROOT/bench/jmiredo-bench" --gen-if veth0 --native-netns "$V6" \
        --relay-netns "$RLY" --relay "$RELAY_V4:$RELAY_PORT" --server "$SERVER_V4" --relay-pid "$pids" \
        --prime-rate "${PRIME_RATE:-20000}" "$@"
}
for relay in $RELAYS; do
    "relay_start_$relay" "$OUT"
    pids=$(relay_pids)
    bench --direction both --peers 1000 --size 1280 --duration 3 --rate 50000 --label warmup >>"$OUT/warmup.txt"
    # Counted from when the generator has primed the peers (about 20,000 a second) to the run's end.
    (sleep "$(( PEERS / 20000 + 1 ))"; threads_cpu "$pids" >"$OUT/$relay-threads-before.txt"
     perf stat -x, -e "$SYSCALL_EVENTS" -p "$pids" \
        -o "$OUT/$relay-perf.csv" -- sleep "$(( DURATION - 2 ))"
     threads_cpu "$pids" >"$OUT/$relay-threads-after.txt") &
    perf_job=$!
    bench --direction "$DIR" --peers "$PEERS" --size "$SIZE" --duration "$DURATION" --rate "$RATE" \
        --label "$relay" --json "$OUT/$relay.json" | tee "$OUT/$relay.txt"
    wait "$perf_job" || true
    relay_stop
done
python3 - "$OUT" "$DIR" "$(( DURATION - 2 ))" $RELAYS <<'PY' | tee "$OUT/summary.txt"
import csv, json, sys
out, direction, window, relays = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
for relay in relays:
    counts = {}
    with open(f"{out}/{relay}-perf.csv") as f:
        for row in csv.reader(f):
            if len(row) > 2 and row[2].startswith("syscalls:sys_enter_") and row[0].isdigit():
                counts[row[2].removeprefix("syscalls:sys_enter_")] = int(row[0])
    with open(f"{out}/{relay}.json") as f:
        run = json.load(f)
    pps = run[direction]["delivered_pps"]
    packets = pps * window  # delivered in the counted window, at the run's mean rate
    print(f"{relay}: {pps:,.0f} pkt/s delivered, {run['relay_cpu_us_per_packet']:.2f} us CPU/packet; "
          f"syscalls per delivered packet over {window:.0f} s:")
    for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if n:
            print(f"  {name:12s} {n / packets:6.3f}  ({n:,d})")
    print(f"  {'all':12s} {sum(counts.values()) / packets:6.3f}")
    def ticks(name):
        by = {}
        for line in open(f"{out}/{relay}-threads-{name}.txt"):
            thread, user, system = line.split()
            u, s = by.get(thread, (0, 0))
            by[thread] = (u + int(user), s + int(system))
        return by
    before, after = ticks("before"), ticks("after")
    hz = 100
    print("  CPU per delivered packet by thread (us, user + system):")
    for thread, (u, s) in sorted(after.items(), key=lambda kv: -sum(kv[1])):
        u0, s0 = before.get(thread, (0, 0))
        du, ds = (u - u0) / hz * 1e6 / packets, (s - s0) / hz * 1e6 / packets
        if du + ds > 0.005:
            print(f"    {thread:24s} {du:5.2f} + {ds:5.2f}")
PY
