#!/bin/bash
# Old (main 01b3ccd: a `git archive` of /work/wt/base in /tmp/lk2-basetree with base's built jars copied
# in, so base's tree stays untouched) against new (branch lookup10m2) at the relay level, alternating, all
# under one lock: Teredo->IPv6, 80 B, 100,000 peers, 100,000 pkt/s, the relay's CPU per packet.
#   flock /tmp/jmiredo-bench.lock bench/results/lookup10m2-relay/run.sh > bench/results/lookup10m2-relay/output.txt 2>&1
# Run 1 (output.txt, base-*/new-*) had the reverted pass walk; run 2 (output2.txt, base2-*/new2-*) this
# branch's final code, jar rebuilt in between. compare.sh writes each tree's results under that tree's
# bench/results/; they were moved here afterwards.
new=$(cd "$(dirname "$0")/../../.." && pwd)
for tree in $(for r in $(seq "${ROUNDS:-2}"); do echo /tmp/lk2-basetree "$new"; done); do
  echo "##### $tree $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$tree" && RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS=t2i RATES=100000 RUNS=1 DURATION=5 \
     NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|matrix|jmiredo.jar")
done
