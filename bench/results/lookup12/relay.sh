#!/bin/bash
# Old (main f68efb9, the detached worktree /work/wt/base-lookup12 with its jars built) against new (this
# branch) at the relay level, alternating, all under one lock: Teredo->IPv6, 80 B, 100,000 peers,
# 100,000 pkt/s, 5 s a point, ours only; the relay's CPU per delivered packet. Results under
# bench/results/lookup12/relay-<run>/ of this tree:
#   RUN=relay1 ROUNDS=3 flock /tmp/jmiredo-bench.lock bench/results/lookup12/relay.sh > bench/results/lookup12/relay1.txt 2>&1
new=$(cd "$(dirname "$0")/../../.." && pwd)
base=${BASE:-/work/wt/base-lookup12}
out=$new/bench/results/lookup12/${RUN:?run name}
mkdir -p "$out"
n=0
for tree in $(for r in $(seq "${ROUNDS:-2}"); do echo "$base" "$new"; done); do
  n=$((n + 1))
  side=$([[ $tree == "$base" ]] && echo base || echo new)
  echo "##### $n $side $tree $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$tree" && LAB_PREFIX=jmlookup12-$n RESULTS=$out/$side-$n RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS=t2i \
     RATES=100000 RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|matrix|jmiredo.jar")
done
