#!/usr/bin/env bash
# Thirteenth iteration (helper client13): the branch's plain TUN read (first readv(2) into [slot | spill], results
# in readv/; then one read(2) that may run past its slot, results in read/) against main's read(2) into the
# slot, IPv6->Teredo (the direction that reads the TUN) through the real relay,
# 80 and 1280 B, 1 and 1,000 peers, at 100,000 pkt/s and at saturation; main 96dfb19 (/work/wt/base-client13)
# and the branch alternating three times; JVM options as bin/jmiredo's. Results in this directory (one
# subdirectory per run) under OUT (readv, read; read2: POINTS_PEERS=1000 POINTS_RATES=100000 only). Run as:
#   OUT=read flock /tmp/jmiredo-bench.lock bench/results/client13/run.sh > bench/results/client13/read/out.txt 2>&1
set -x
export JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m"
for tree in /work/wt/base-client13 /work/wt/client13 /work/wt/base-client13 /work/wt/client13 /work/wt/base-client13 /work/wt/client13; do
    uptime
    (cd $tree && RESULTS=/work/wt/client13/bench/results/client13/$OUT RELAYS=jmiredo PEERS="${POINTS_PEERS:-1 1000}" \
        SIZES="80 1280" DIRS=i2t RATES="${POINTS_RATES:-100000 0}" RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 \
        | grep -E "^(i2t) |relay cpu|machine cpu|results|jmiredo.jar")
done
uptime
