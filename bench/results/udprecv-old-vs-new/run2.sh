# The second set, each pair branch first, then the branch's syscalls against Miredo's, then the 60-s
# Teredo->IPv6 soak under ZGC with main's jar and the branch's. Under the bench lock:
#   flock /tmp/jmiredo-bench.lock bash bench/results/udprecv-old-vs-new/run2.sh > bench/results/udprecv-old-vs-new/out2.txt
for tree in /work/wt/udprecv /work/wt/base /work/wt/udprecv /work/wt/base; do
  echo "##### $tree"
  (cd $tree && RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results")
done
cd /work/wt/udprecv
echo "##### syscalls (branch against Miredo)"
DIR=t2i bash bench/syscalls.sh 2>&1 | tail -40
for jar in /work/wt/base/relay-server/target/jmiredo.jar /work/wt/udprecv/relay-server/target/jmiredo.jar; do
  echo "##### soak $jar"
  SOAK_JAR=$jar DIR=t2i DURATION=60 JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m" bench/soak.sh 2>&1 | tail -25
done
# out3.txt and out4.txt (two more syscalls runs, the first having been starved by the machine's load):
#   flock /tmp/jmiredo-bench.lock env DIR=t2i bash bench/syscalls.sh > bench/results/udprecv-old-vs-new/out3.txt (then out4.txt)
