#!/usr/bin/env bash
# A second look at IPv6->Teredo at 100,000 pkt/s (old-vs-new.sh gave new/old 1.18, 1.11, 1.00 there), new
# first this time so that the order cannot favour either: our relay only, 100,000 peers, 80 B, 5 s.
#   flock /tmp/jmiredo-bench.lock bench/results/final7/i2t-old-vs-new.sh > bench/results/final7/i2t-old-vs-new.txt 2>&1
new=$(cd "$(dirname "$0")/../../.." && pwd)
for tree in $(for r in $(seq "${ROUNDS:-4}"); do echo "$new" /work/wt/base; done); do
  echo "##### $tree $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$tree" && RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS=i2t RATES=100000 RUNS=1 DURATION=5 \
     NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|jmiredo.jar")
done
