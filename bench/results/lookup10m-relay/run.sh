#!/bin/bash
# Old (main 1c977f1, /work/wt/base) against new (branch lookup10m) at the relay level, alternating, all
# under one lock: Teredo->IPv6, 80 B, 100,000 and 1,000,000 peers, 100,000 pkt/s and saturation.
#   flock /tmp/jmiredo-bench.lock bench/results/lookup10m-relay/run.sh > bench/results/lookup10m-relay/output.txt 2>&1
# Second run, CPU per packet only, three alternations:
#   RATES=100000 ROUNDS=3 flock -w 2100 /tmp/jmiredo-bench.lock bench/results/lookup10m-relay/run.sh > .../output2.txt 2>&1
# compare.sh writes each tree's results under that tree's bench/results/; they were moved here afterwards
# (base-*, new-*).
new=$(cd "$(dirname "$0")/../../.." && pwd)
for tree in $(for r in $(seq "${ROUNDS:-2}"); do echo /work/wt/base "$new"; done); do
  echo "##### $tree $(git -C "$tree" log --oneline -1 | cut -c1-60) $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$tree" && RELAYS=jmiredo PEERS="${PEERS:-100000 1000000}" SIZES=80 DIRS=t2i RATES="${RATES:-100000 0}" RUNS=1 DURATION=5 \
     NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|matrix|jmiredo.jar")
done
