#!/usr/bin/env bash
# The lead's closing runs of the tenth iteration: main after the merges (IPv6->Teredo burst lookups, ...) against
# Miredo at 100,000 peers, then a 60-s IPv6->Teredo soak at 90 % with the default tunnel queue, under the bench lock:
#   flock /tmp/jmiredo-bench.lock bench/results/final10/run.sh > bench/results/final10/out.txt 2>&1
# OUT=bench/results/DIR keeps a later run's results there instead (the twelfth iteration's: final12).
cd "$(dirname "$0")/../../.."
OUT=${OUT:-bench/results/final10}
set -x
uptime
PEERS=100000 SIZES="80 1280" DIRS="t2i i2t" RATES="100000 0" RUNS=2 DURATION=5 NO_MD=1 RESULTS=$OUT bench/compare.sh
ls -td "$OUT"/jb* | head -1
uptime
DIR=i2t DURATION=60 JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m" bench/soak.sh
uptime
