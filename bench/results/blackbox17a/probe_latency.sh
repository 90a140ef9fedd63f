#!/usr/bin/env bash
# blackbox17a: how long a probe (/healthz) and a scrape (/metrics) wait while the data path is saturated (both event
# loops busy), the metrics thread at the daemon's priority (old) or at nice 19 (new). Bench lab of bench/lab.sh (LAB.md
# rules, prefix jmbba-, removed on exit), 2 event loops; per jar, ROUNDS alternating: a Teredo->IPv6 saturation run
# (1,000 peers, 1,280 B, rate 0, DUR s) during which curl asks /healthz and /metrics every 0.25 s from the relay's
# namespace; prints the latencies' median, p90 and max per jar and path.
#   sudo bench/results/blackbox17a/probe_latency.sh OLD.jar NEW.jar [ROUNDS DUR]   (from the repository root)
set -euo pipefail
# RENICE=N: instead of a new jar, give the new arm's metrics thread nice N (renice of its thread id).
OLD=$(realpath "$1") NEW=$(realpath "$2") ROUNDS=${3:-2} DUR=${4:-8}
source "$(dirname "$0")/common.sh"
bench_lab probe_latency
probe_loop() { # which path seconds
    local end=$((SECONDS + $3))
    while (( SECONDS < end )); do
        ip netns exec "$RLY" curl -s -m 10 -o /dev/null -w "%{time_total}\n" "http://127.0.0.1:9544$2" >>"$W/$1-${2#/}.txt" || echo 10 >>"$W/$1-${2#/}.txt"
        sleep 0.25
    done
}
for round in $(seq "$ROUNDS"); do
    for which in old new; do
        jar=$OLD; [[ $which == new ]] && jar=$NEW
        start_arm "$jar" "$which"
        bench --direction both --peers 1000 --size 1280 --duration 3 --rate 50000 --label warmup >/dev/null
        bench --direction t2i --peers 1000 --size 1280 --duration "$DUR" --rate 0 --relay-pid "$(relay_pids)" \
            --label "$which" --json "$W/$which-$round.json" >/dev/null &
        b=$!
        sleep 3 # the priming's handshakes, then the saturation
        probe_loop "$which" /healthz $((DUR - 2)) &
        p1=$!
        probe_loop "$which" /metrics $((DUR - 2))
        wait $p1 $b
        python3 -c "import json,sys; r=json.load(open(sys.argv[1])); d=r[r['direction']]; print(f\"{sys.argv[2]} round $round: delivered {d['delivered_pps']:.0f} pkt/s, relay CPU {100*r['relay_cpu_s']/r['wall_s']:.0f} %\")" "$W/$which-$round.json" "$which"
        relay_stop
    done
done
for f in "$W"/*-healthz.txt "$W"/*-metrics.txt; do
    python3 -c "
import sys
v = sorted(float(x) * 1000 for x in open(sys.argv[1]) if x.strip())
print(f'{sys.argv[1].rsplit(\"/\", 1)[1]}: n {len(v)}, median {v[len(v)//2]:.1f} ms, p90 {v[int(len(v)*0.9)]:.1f} ms, max {v[-1]:.1f} ms')" "$f"
done
