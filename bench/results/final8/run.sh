#!/usr/bin/env bash
# The lead's closing runs of the eighth iteration: main after every merge (UDP GSO, warm-up, client, ...) against
# Miredo, one after another under the bench lock:
#   flock /tmp/jmiredo-bench.lock bench/results/final8/run.sh > bench/results/final8/out.txt 2>&1
cd "$(dirname "$0")/../../.."
set -x
uptime
PEERS=100000 SIZES="80 1280" DIRS="t2i i2t" RATES="100000 0" RUNS=2 DURATION=5 NO_MD=1 bench/compare.sh
ls -td bench/results/jb* | head -1
uptime
PEERS=1 SIZES="80 1280" DIRS="i2t" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh
ls -td bench/results/jb* | head -1
uptime
PEERS=100000 PRIME_RATE=100000 RELAYS="jmiredo miredo" \
    JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m" bench/handshake.sh
uptime
DIR=t2i DURATION=60 JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m" bench/soak.sh
uptime
