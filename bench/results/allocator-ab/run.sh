#!/usr/bin/env bash
# A/B: Netty 4.2's default allocator (adaptive) against the pooled one (4.1's default), alternating.
cd "$(dirname "$0")/../../.."
for round in ${ROUNDS:-1 2}; do
  for opts in "" "-Dio.netty.allocator.type=pooled"; do
    echo "##### round $round opts='${opts:-adaptive}'"
    JM_JAVA_OPTS="$opts" RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) +[0-9]|relay cpu|^(t2i|i2t) peers"
    ls -td bench/results/jb* | head -1
  done
done
