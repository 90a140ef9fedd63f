#!/bin/bash
# Old (main 1a758c7, /work/wt/base with its built jars) against new (branch tags) at the relay level,
# alternating, all under one lock: Teredo->IPv6 (the path of the burst lookups), 80 B, 100,000 peers,
# 100,000 pkt/s, 5 s, the relay's CPU per packet. Results of both trees land in RUN/ here (RESULTS=...).
#   RUN=run1 flock /tmp/jmiredo-bench.lock bench/results/tags-relay/run.sh > bench/results/tags-relay/run1/output.txt 2>&1
# run1: the branch's first code (locked probe through the tags); run2: the locked probe walking key words.
set -euo pipefail
new=$(cd "$(dirname "$0")/../../.." && pwd)
for r in $(seq "${ROUNDS:-2}"); do
  for tree in /work/wt/base "$new"; do
    name=$([[ $tree == "$new" ]] && echo new || echo base)
    echo "##### $name $r $tree $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$tree" && RESULTS="$new/bench/results/tags-relay/${RUN:-run1}/$name-$r" RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS=t2i \
       RATES=100000 RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|matrix|jmiredo.jar")
  done
done
