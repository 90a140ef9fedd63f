#!/usr/bin/env bash
# The runs of BENCHMARKS.md "Thirteenth iteration: start-up (helper startup5)", under one bench lock:
#   flock /tmp/jmiredo-bench.lock bench/results/startup5/run.sh TAG
# old = main 96dfb19 built in /work/wt/base-startup5, new = this branch's tree; each tree's launcher and jar with
# its AOT cache (one recording start each, not counted); old and new alternating. startup4's busy.sh: a nice-0 busy
# loop per core for the whole busy run, old and new alike. Output: quiet-TAG.txt, busy-TAG.txt.
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=bench/results/startup5
TAG=${1:-run1}
TREES="/work/wt/base-startup5 $PWD"
date; uptime
env RUNS=${RUNS:-9} LAUNCHER=1 CACHES=aot TREES="$TREES" bench/startup.sh > $R/quiet-$TAG.txt 2>&1
date; uptime
bench/results/startup4/busy.sh env RUNS=${RUNS:-9} LAUNCHER=1 CACHES=aot TREES="$TREES" bench/startup.sh > $R/busy-$TAG.txt 2>&1
date; uptime
