# Old (3f0838b, /work/wt/base) against new (leftovers: counting at the datagram's fate in MmsgUdpSender),
# alternating, one lock; results under this directory.
R=/work/wt/leftovers/bench/results/leftovers-counting
for tree in /work/wt/base /work/wt/leftovers /work/wt/base /work/wt/leftovers; do
  echo "##### $tree"
  (cd $tree && RESULTS=$R/$(basename $tree) RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results")
done
