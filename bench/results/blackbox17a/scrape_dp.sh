#!/usr/bin/env bash
# blackbox17a: does a flood of requests to the metrics endpoint take CPU from the data path? The bench lab of
# bench/lab.sh (LAB.md rules, prefix jmbba-, all removed on exit), 2 event loops; for each jar in turn, ROUNDS
# alternating pairs of a Teredo->IPv6 saturation run (1,000 peers, 1,280 B, rate 0, DUR s) without and with a
# client pipelining GET PATH on 4 keep-alive connections from inside the relay's namespace (scrape_flood.py).
#   sudo bench/results/blackbox17a/scrape_dp.sh OLD.jar NEW.jar [ROUNDS DUR PATH]   (from the repository root)
set -euo pipefail
# RENICE=N: instead of a new jar, give the new arm's metrics thread nice N (renice of its thread id).
OLD=$(realpath "$1") NEW=$(realpath "$2") ROUNDS=${3:-3} DUR=${4:-4} PATHQ=${5:-/metrics}
source "$(dirname "$0")/common.sh"
bench_lab scrape_dp
point() { # label json
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
        ip netns exec "$RLY" python3 "$HERE/scrape_flood.py" 127.0.0.1 9544 "$PATHQ" 4 $((DUR + 4)) >"$W/flood.txt" &
        fl=$!
        sleep 1
        point "$which-r$round-flood"
        wait $fl
        echo "  $which flood: $(cat "$W/flood.txt")"
        relay_stop
    done
done
