#!/usr/bin/env bash
# The final code (two-branch run check, c9ae6aa) against main's jar: 100,000 peers in ABBA order, then one pair
# at one peer; IPv6->Teredo, 80 B (and 1280 B at one peer), at 100,000 pkt/s and saturation.
#   flock /tmp/jmiredo-bench.lock bench/results/gso-1/run4.sh > bench/results/gso-1/out4.txt 2>&1
set -u
new=$(cd "$(dirname "$0")/../../.." && pwd)
res=$new/bench/results/gso-1
run() { # variant, then compare.sh variables
    local variant=$1 tree=$new; shift
    [[ $variant == base ]] && tree=/work/wt/base
    echo "##### $variant $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$tree" && env RESULTS="$res" RELAYS=jmiredo RUNS=1 DURATION=5 NO_MD=1 DIRS=i2t RATES="100000 0" "$@" \
        bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|jmiredo.jar")
}
for variant in gso base base gso gso base; do
    run $variant PEERS=100000 SIZES=80
done
for variant in base gso; do
    run $variant PEERS=1 SIZES="80 1280"
done
