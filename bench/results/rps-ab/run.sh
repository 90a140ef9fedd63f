#!/usr/bin/env bash
# Receive packet steering on the relay's TUN (helper rps): does letting another CPU run the kernel's
# forwarding of what the relay writes to its tunnel pay? One lab, each relay started once; at every load
# point the configurations below run back to back, their order rotated from point to point:
#   U0  relay unpinned, rps_cpus 0 on every rx queue of the tunnel (today)
#   P0  relay pinned to CPU 1 (taskset, every thread), rps_cpus 0
#   Po  pinned to CPU 1, rps_cpus = CPU 0 only (the other CPU)
#   Pa  pinned to CPU 1, rps_cpus = all CPUs
#   Ua  unpinned, rps_cpus = all CPUs
# Both relays get the same settings (Miredo's tunnel is single-queue: rx-0). The generator is never pinned.
#   flock /tmp/jmiredo-bench.lock bash bench/results/rps-ab/run.sh [results-name]
# LAB_NICE=-10 (as in bench/lab.sh) gives relay and generator the CPU before other sessions' builds and tests.
# Knobs: RELAYS ("jmiredo miredo"), CONFIGS ("U0 P0 Po Pa Ua"), DURATION (4), POINTS (see below).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd -P)
source "$ROOT/bench/lab.sh"
lab_own_session "$0" "$@"
bench_setup rps-ab "${1:-rps-$LAB_PREFIX}"
[[ -f "$ROOT/relay-bench/target/relay-bench.jar" ]] || die "build relay-bench first"
RELAYS=${RELAYS:-jmiredo miredo}
CONFIGS=${CONFIGS:-U0 P0 Po Pa Ua}
DURATION=${DURATION:-4}
# dir:peers:size:rate (0 = as fast as possible)
POINTS=${POINTS:-t2i:100000:80:100000 t2i:100000:80:0 t2i:100000:1280:100000 t2i:100000:1280:0 \
t2i:1:80:100000 t2i:1:80:0 i2t:100000:80:100000 i2t:100000:80:0}
ALL_CPUS=$(printf '%x' $(( (1 << $(nproc)) - 1 )))
RELAY_CPU=1
OTHER_MASK=1

{
    echo "date: $(date -u +%FT%TZ)  LAB_NICE: $LAB_NICE  kernel: $(uname -r)  cpus: $(nproc)  loadavg: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "jar: sha256 $(sha256sum "$JMIREDO_JAR" | cut -c1-12)  git: $(git -C "$ROOT" rev-parse --short HEAD)"
    echo "configs: $CONFIGS  points: $POINTS  duration: ${DURATION}s"
} | tee "$OUT/machine.txt"

lab_up

steer() { # $1 = hex mask for every rx queue of the relay's tunnel
    ip netns exec "$RLY" sh -c "for q in /sys/class/net/teredo/queues/rx-*; do echo $1 > \$q/rps_cpus; done"
}
pin() { # $1 = CPU list for every thread of every process in the relay's namespace
    local pid
    for pid in $(ip netns pids "$RLY"); do taskset -a -p -c "$1" "$pid" >/dev/null; done
}
apply() {
    case $1 in
        U0) pin "0-$(( $(nproc) - 1 ))"; steer 0 ;;
        P0) pin $RELAY_CPU; steer 0 ;;
        Po) pin $RELAY_CPU; steer $OTHER_MASK ;;
        Pa) pin $RELAY_CPU; steer "$ALL_CPUS" ;;
        Ua) pin "0-$(( $(nproc) - 1 ))"; steer "$ALL_CPUS" ;;
        *) die "unknown configuration $1" ;;
    esac
}
bench() {
    ip netns exec "$GEN" nice -n "$LAB_NICE" timeout 300 "$ROOT/bench/jmiredo-bench" --gen-if veth0 --native-netns "$V6" --relay-netns "$RLY" \
        --relay "$RELAY_V4:$RELAY_PORT" --server "$SERVER_V4" --prime-rate 100000 "$@"
}

read -r -a configs <<<"$CONFIGS"
for relay in $RELAYS; do
    "relay_start_$relay" "$OUT"
    pids=$(relay_pids)
    echo "== $relay (pids $pids), tunnel rx queues: $(ip netns exec "$RLY" sh -c 'ls -d /sys/class/net/teredo/queues/rx-*' | xargs -n1 basename | paste -sd' ')" | tee -a "$OUT/runs.txt"
    bench --direction both --peers 1000 --size 1280 --duration 3 --rate 50000 --relay-pid "$pids" --label warmup >>"$OUT/warmup.txt"
    turn=0
    for point in $POINTS; do
        IFS=: read -r dir peers size rate <<<"$point"
        for i in "${!configs[@]}"; do
            c=${configs[$(( (i + turn) % ${#configs[@]} ))]}
            apply "$c"
            name="$relay-$c-p$peers-s$size-$dir-r$rate"
            echo "-- $name: rps_cpus $(ip netns exec "$RLY" cat /sys/class/net/teredo/queues/rx-0/rps_cpus)" | tee -a "$OUT/runs.txt"
            bench --direction "$dir" --peers "$peers" --size "$size" --duration "$DURATION" --rate "$rate" \
                --relay-pid "$pids" --label "$relay-$c" --json "$OUT/$name.json" | tee -a "$OUT/runs.txt"
        done
        turn=$(( turn + 1 ))
    done
    apply U0
    relay_stop
done
python3 "$ROOT/bench/results/rps-ab/table.py" "$OUT" | tee "$OUT/table.md"
