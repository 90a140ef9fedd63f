#!/usr/bin/env bash
# One peer, 80 B, again (run4.sh's single pair gave gso/base 1.05 at 100,000 pkt/s where run.sh gave 0.70 to
# 0.79): two more pairs, final code against main's jar, IPv6->Teredo at 100,000 pkt/s and saturation.
#   flock /tmp/jmiredo-bench.lock bench/results/gso-1/run5.sh > bench/results/gso-1/out5.txt 2>&1
set -u
new=$(cd "$(dirname "$0")/../../.." && pwd)
for variant in gso base base gso; do
    tree=$new; [[ $variant == base ]] && tree=/work/wt/base
    echo "##### $variant $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$tree" && RESULTS="$new/bench/results/gso-1" RELAYS=jmiredo RUNS=1 DURATION=5 NO_MD=1 PEERS=1 SIZES=80 \
        DIRS=i2t RATES="100000 0" bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|jmiredo.jar")
done
