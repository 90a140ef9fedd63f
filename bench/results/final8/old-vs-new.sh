#!/usr/bin/env bash
# Old (main a76a12a, the seventh iteration's end, built in /work/wt/base) against new (main after the eighth
# iteration's merges), alternating, under one lock: our relay only, 100,000 peers, 80 B, both directions, at
# 100,000 pkt/s and at saturation. The old tree's compare.sh writes under its own bench/results (moved here
# afterwards as base-*).
#   flock /tmp/jmiredo-bench.lock bench/results/final8/old-vs-new.sh > bench/results/final8/old-vs-new.txt 2>&1
new=$(cd "$(dirname "$0")/../../.." && pwd)
for tree in $(for r in $(seq "${ROUNDS:-3}"); do echo /work/wt/base "$new"; done); do
  echo "##### $tree $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$tree" && RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 \
     NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|jmiredo.jar")
done
