#!/bin/bash
# The closing run of this branch, under one hold of the bench lock (kept short: four other helpers queued for it):
#   flock /tmp/jmiredo-bench.lock bash bench/results/t2ihot/final.sh > bench/results/t2ihot/final.txt 2>&1
# 1. The system-call part of run.sh again, one pair (old, new), both directions, 10-s runs (so the counted
#    window, from 6 s on, lies past the peers' priming even on a loaded host; run.sh's first pass did not).
# 2. A third DataPathBench round, old then new (jmh-ab.sh).
# 3. Ours against Miredo at 100,000 pkt/s and at saturation, 80 and 1280 B, both directions, 100,000 peers.
# 4. One more old-against-new pair of bench/compare.sh (new first), as run.sh's part 2.
set -uo pipefail
stamp() { echo "##### $1 $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"; }
SYSCALL_TREES="/work/wt/base /work/wt/t2ihot" SYSCALLS_DURATION=10 COMPARE_TREES=" " bash bench/results/t2ihot/run.sh
stamp jmh
ROUNDS=3 bench/results/t2ihot/jmh-ab.sh bench/results/t2ihot/jmh-ab 2>&1 | grep -E '^(===|DataPathBench)'
stamp "compare against miredo"
RELAYS="jmiredo miredo" PEERS=100000 SIZES="80 1280" DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 \
    bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|ceiling|udp-sink|^== run"
SKIP_SYSCALLS=1 COMPARE_TREES="/work/wt/t2ihot /work/wt/base" bash bench/results/t2ihot/run.sh
stamp end
