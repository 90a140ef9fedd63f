#!/usr/bin/env bash
# scrapes17: the data path's share of the CPU under a flood of GET /metrics, old jar against new, as blackbox17a's
# scrape_dp.sh but with flood.py, which sends a new request for every answer whatever its status (a flooder that
# ignores 429 and Retry-After) at up to RATE requests a second. Bench lab of bench/lab.sh (prefix jmscr17-), 2 event
# loops; per jar, ROUNDS alternating pairs of a Teredo->IPv6 saturation run (1,000 peers, 1,280 B, rate 0, DUR s)
# without and with the flood (4 connections from 127.0.0.2 inside the relay's namespace: its CPU is on the same cores).
#   sudo bench/results/scrapes17/scrape_dp.sh OLD.jar NEW.jar [ROUNDS DUR RATE]   (from the repository root)
set -euo pipefail
OLD=$(realpath "$1") NEW=$(realpath "$2") ROUNDS=${3:-3} DUR=${4:-4} RATE=${5:-1000}
source "$(dirname "$0")/common.sh"
bench_lab scrape_dp
point() { # label
    bench --direction t2i --peers 1000 --size 1280 --duration "$DUR" --rate 0 --relay-pid "$(relay_pids)" \
        --label "$1" --json "$W/$1.json" >/dev/null
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); d=r[r['direction']]; print(f\"{sys.argv[2]}: delivered {d['delivered_pps']:.0f} pkt/s, relay CPU {100*r['relay_cpu_s']/r['wall_s']:.0f} %\")" "$W/$1.json" "$1"
}
for round in $(seq "$ROUNDS"); do
    for which in old new; do
        jar=$OLD; [[ $which == new ]] && jar=$NEW
        start_arm "$jar" "$which"
        bench --direction both --peers 1000 --size 1280 --duration 3 --rate 50000 --label warmup >/dev/null
        point "$which-r$round-quiet"
        ip netns exec "$RLY" python3 "$HERE17/flood.py" 127.0.0.1 9544 /metrics 4 $((DUR + 4)) "$RATE" 127.0.0.2 \
            >"$W/flood.txt" &
        fl=$!
        sleep 1
        point "$which-r$round-flood"
        wait $fl
        echo "  $which flood: $(cat "$W/flood.txt")"
        relay_stop
    done
done
