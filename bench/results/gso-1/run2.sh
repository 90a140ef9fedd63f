#!/usr/bin/env bash
# The 100,000-peer point again (run.sh gave gso/base 1.05 and 1.06 at 100,000 pkt/s, on a loaded host),
# in ABBA order so that neither side always runs first: IPv6->Teredo, 80 B, at 100,000 pkt/s and saturation.
#   flock /tmp/jmiredo-bench.lock bench/results/gso-1/run2.sh > bench/results/gso-1/out2.txt 2>&1
set -u
new=$(cd "$(dirname "$0")/../../.." && pwd)
res=$new/bench/results/gso-1
for variant in gso base base gso gso base; do
    tree=$new; [[ $variant == base ]] && tree=/work/wt/base
    echo "##### $variant $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$tree" && RESULTS="$res" RELAYS=jmiredo RUNS=1 DURATION=5 NO_MD=1 PEERS=100000 SIZES=80 DIRS=i2t \
        RATES="100000 0" bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|jmiredo.jar")
done
