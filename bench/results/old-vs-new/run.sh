for tree in /work/wt/old /work/main /work/wt/old /work/main; do
  echo "##### $tree"
  (cd $tree && RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results")
done
