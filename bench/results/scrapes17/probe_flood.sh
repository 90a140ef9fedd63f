#!/usr/bin/env bash
# scrapes17: how long a probe (/healthz) and a scraper's /metrics wait, and what they are answered, from 127.0.0.1
# every 0.25 s while the data path is saturated and another source (127.0.0.2) floods /metrics (flood.py at RATE a
# second, 0: none), old jar against new. Bench lab of bench/lab.sh (prefix jmscr17-), 2 event loops; per jar, ROUNDS
# alternating Teredo->IPv6 saturation runs (1,000 peers, 1,280 B, rate 0, DUR s); prints per jar and path the
# statuses and the latencies' median, p90 and max.
#   sudo bench/results/scrapes17/probe_flood.sh OLD.jar NEW.jar [ROUNDS DUR RATE]   (from the repository root)
set -euo pipefail
OLD=$(realpath "$1") NEW=$(realpath "$2") ROUNDS=${3:-2} DUR=${4:-10} RATE=${5:-1000}
source "$(dirname "$0")/common.sh"
bench_lab probe_flood
probe_loop() { # which path seconds
    local end=$((SECONDS + $3))
    while (( SECONDS < end )); do
        ip netns exec "$RLY" curl -s -m 10 -o /dev/null -w "%{time_total} %{http_code}\n" \
            "http://127.0.0.1:9544$2" >>"$W/$1-${2#/}.txt" || echo "10 000" >>"$W/$1-${2#/}.txt"
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
        fl=
        if [[ $RATE != 0 ]]; then
            ip netns exec "$RLY" python3 "$HERE17/flood.py" 127.0.0.1 9544 /metrics 4 "$DUR" "$RATE" 127.0.0.2 \
                >"$W/flood.txt" &
            fl=$!
        fi
        sleep 3 # the priming's handshakes, then the saturation
        probe_loop "$which" /healthz $((DUR - 3)) &
        p1=$!
        probe_loop "$which" /metrics $((DUR - 3))
        wait $p1 $b $fl
        python3 -c "import json,sys; r=json.load(open(sys.argv[1])); d=r[r['direction']]; print(f\"{sys.argv[2]} round $round: delivered {d['delivered_pps']:.0f} pkt/s, relay CPU {100*r['relay_cpu_s']/r['wall_s']:.0f} %\")" "$W/$which-$round.json" "$which"
        [[ -z $fl ]] || echo "  $which flood: $(cat "$W/flood.txt")"
        relay_stop
    done
done
for f in "$W"/*-healthz.txt "$W"/*-metrics.txt; do
    python3 -c "
import collections, sys
rows = [x.split() for x in open(sys.argv[1]) if x.strip()]
v = sorted(float(t) * 1000 for t, _ in rows)
codes = collections.Counter(c for _, c in rows)
print(f'{sys.argv[1].rsplit(\"/\", 1)[1]}: n {len(v)}, statuses {dict(sorted(codes.items()))}, median {v[len(v)//2]:.1f} ms, p90 {v[int(len(v)*0.9)]:.1f} ms, max {v[-1]:.1f} ms')" "$f"
done
