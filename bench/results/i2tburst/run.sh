#!/usr/bin/env bash
# Tenth iteration (helper i2tburst): IPv6->Teredo 80 B through the real relay at 100,000 pkt/s and at
# saturation, at 1, 100,000 and 1,000,000 peers (each trusted through the bubble handshake first), main
# 1a758c7 (/work/wt/base) against the branch, alternating old, new three times; JVM options as bin/jmiredo's
# defaults (the millions run's). Results in this directory (one subdirectory per run, in order). Run as:
#   setsid bash -c 'exec flock /tmp/jmiredo-bench.lock /work/wt/i2tburst/bench/results/i2tburst/run.sh' \
#       > /work/wt/i2tburst/bench/results/i2tburst/out.txt 2>&1
set -x
export JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m"
for tree in /work/wt/base /work/wt/i2tburst /work/wt/base /work/wt/i2tburst /work/wt/base /work/wt/i2tburst; do
    uptime
    (cd $tree && RESULTS=/work/wt/i2tburst/bench/results/i2tburst RELAYS=jmiredo PEERS="1 100000 1000000" \
        SIZES=80 DIRS=i2t RATES="100000 0" RUNS=1 DURATION=5 PRIME_RATE=50000 PRIME_TIMEOUT=60 \
        JM_PEERS_MAX=2097152 NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(i2t) |^handshake|relay cpu|machine cpu|results|jmiredo.jar")
done
uptime
