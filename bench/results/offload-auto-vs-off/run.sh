#!/usr/bin/env bash
# tun.offload auto against off, same jar, alternating (lead, fourth iteration), where nothing merges
# (100,000 peers, 80-byte packets). Run from the repository root as:
#   ROUNDS=3 flock /tmp/jmiredo-bench.lock bash bench/results/offload-auto-vs-off/run.sh
cd "$(dirname "$0")/../../.."
for round in $(seq "${ROUNDS:-3}"); do
  for mode in off auto; do
    echo "##### round $round offload=$mode"
    JM_CONF_EXTRA="jmiredo.tun.offload = $mode" RELAYS=jmiredo PEERS=100000 SIZES=80 \
        DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 \
        | grep -E "^(t2i|i2t) +[0-9]|relay cpu|results|offloads"
    ls -td bench/results/jb* | head -1
  done
done
