#!/usr/bin/env bash
# Second part (after the warm-up's table fix, 3daa159): 1 and 4,000,000 peers, ours alone, priming given time
# to trust all 4 M (run.sh's 30-s bound trusted 1.5 M); run as run.sh says, output in out2.txt.
set -x
uptime
export JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m"
RELAYS=jmiredo PEERS="1 4000000" SIZES=80 DIRS="t2i i2t" RATES=100000 RUNS=1 DURATION=5 PRIME_RATE=50000 \
    PRIME_TIMEOUT=150 JM_PEERS_MAX=4194304 NO_MD=1 bench/compare.sh
uptime
