# A third set with the final jar (31a3463), each pair main first, under the bench lock:
#   flock /tmp/jmiredo-bench.lock bash bench/results/udprecv-old-vs-new/run3.sh > bench/results/udprecv-old-vs-new/out5.txt
for tree in /work/wt/base /work/wt/udprecv /work/wt/base /work/wt/udprecv; do
  echo "##### $tree $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd $tree && RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results")
done
