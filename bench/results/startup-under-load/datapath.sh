#!/usr/bin/env bash
# The data path old against new (the C library calls' shared shapes change readv, sendmmsg and recvmmsg), our
# relay only, alternating, ROUNDS pairs: 100,000 peers, 80 B, both directions, at 100,000 pkt/s and at saturation.
# Both trees with the same JVM options (compare.sh's, none added), so that only the jar differs. DIRS and RATES
# narrow the points (defaults "t2i i2t" and "100000 0").
#   flock /tmp/jmiredo-bench.lock bench/results/startup-under-load/datapath.sh > .../datapath.txt 2>&1
here=$(cd "$(dirname "$0")" && pwd)
new=$(cd "$here/../../.." && pwd)
for tree in $(for r in $(seq "${ROUNDS:-2}"); do echo /work/wt/base "$new"; done); do
  echo "##### $tree $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$tree" && RESULTS="$here" RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS="${DIRS:-t2i i2t}" RATES="${RATES:-100000 0}" RUNS=1 \
     DURATION=5 NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|jmiredo.jar")
done
