#!/bin/bash
# The closing run of this branch, under one hold of the bench lock:
#   flock /tmp/jmiredo-bench.lock bash bench/results/t2ihot/final.sh > bench/results/t2ihot/final.txt 2>&1
# The system-call part of run.sh again (old/new/new/old, both directions; its first pass ran at load 7 to 9 with
# the counted window inside the peers' priming), a third DataPathBench round, old then new (jmh-ab.sh), then ours against Miredo at 100,000 pkt/s and at
# saturation, 80 and 1280 B, both directions, 100,000 peers, two runs (compare.sh alternates the order).
set -uo pipefail
stamp() { echo "##### $1 $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"; }
# (10 s runs: the counted window, from 6 s on, then lies past the priming even on a loaded host)
SYSCALLS_DURATION=10 COMPARE_TREES=" " bash bench/results/t2ihot/run.sh
stamp jmh
ROUNDS=3 bench/results/t2ihot/jmh-ab.sh bench/results/t2ihot/jmh-ab 2>&1 | grep -E '^(===|DataPathBench)'
stamp "compare against miredo"
RELAYS="jmiredo miredo" PEERS=100000 SIZES="80 1280" DIRS="t2i i2t" RATES="100000 0" RUNS=2 DURATION=5 NO_MD=1 \
    bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|ceiling|udp-sink|^== run"
stamp end
