#!/bin/bash
# Old (main 1c977f1, /work/wt/base, its jar) against new (this branch, /work/wt/t2ihot), alternating, all
# under one hold of the bench lock:
#   flock /tmp/jmiredo-bench.lock bash bench/results/t2ihot/run.sh > bench/results/t2ihot/out.txt 2>&1
# Part 1: system calls and CPU by thread per packet (bench/syscalls.sh, 100,000 peers, 80 B, 100,000 pkt/s),
# both directions, two pairs (old first, then new first). Part 2: bench/compare.sh at 100,000 pkt/s and at
# saturation, 80 and 1280 B, both directions, 100,000 peers, three pairs (old first, new first, old first).
set -uo pipefail
OLD=/work/wt/base
NEW=/work/wt/t2ihot
stamp() { echo "##### $1 $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"; }
if [[ -z "${SKIP_SYSCALLS:-}" ]]; then
    for tree in ${SYSCALL_TREES:-$OLD $NEW $NEW $OLD}; do
        for dir in t2i i2t; do
            stamp "syscalls $dir $tree"
            (cd $tree && RELAYS=jmiredo DIR=$dir DURATION=${SYSCALLS_DURATION:-6} bash bench/syscalls.sh 2>&1 \
                | grep -vE '^(WARNING|handshake|  first round)' | tail -18)
        done
    done
fi
for tree in ${COMPARE_TREES:-$OLD $NEW $NEW $OLD $OLD $NEW}; do
    stamp "compare $tree"
    (cd $tree && RELAYS=jmiredo PEERS=100000 SIZES="80 1280" DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 \
        NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|ceiling|udp-sink")
done
stamp end
