#!/usr/bin/env bash
for round in 1 2; do
  for tree in /work/wt/base /work/main; do
    echo "##### round $round $tree"
    (cd $tree && RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS="t2i" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 | grep -E "relay cpu" | grep -v "0.00 us"; ls -td bench/results/jb* | head -1)
  done
done
