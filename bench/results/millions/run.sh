#!/usr/bin/env bash
# Millions of peers through the real relay (ninth iteration, lead): every emulated client trusted through the
# bubble handshake first, then 100,000 pkt/s of 80-byte packets each way; 1 peer and 1,000,000 peers for both
# relays (Miredo refuses more than 1,048,576), then 4,000,000 peers for ours alone. RSS per peer and CPU per
# packet against the 1-peer point of the same session. JVM options as bin/jmiredo's defaults. Run from a tree
# with the jar built, results here:
#   setsid bash -c 'echo -10 > /proc/$$/autogroup; exec flock /tmp/jmiredo-bench.lock \
#       env RESULTS=/work/main/bench/results/millions LAB_NICE=-10 /work/main/bench/results/millions/run.sh' \
#       > /work/main/bench/results/millions/out.txt 2>&1
set -x
uptime
export JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m"
PEERS="1 1000000" SIZES=80 DIRS="t2i i2t" RATES=100000 RUNS=1 DURATION=5 PRIME_RATE=50000 \
    JM_PEERS_MAX=4194304 NO_MD=1 bench/compare.sh
uptime
RELAYS=jmiredo PEERS=4000000 SIZES=80 DIRS="t2i i2t" RATES=100000 RUNS=1 DURATION=5 PRIME_RATE=50000 \
    JM_PEERS_MAX=4194304 NO_MD=1 bench/compare.sh
uptime
