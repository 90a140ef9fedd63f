#!/usr/bin/env bash
# The closing runs of BENCHMARKS.md "Fifteenth iteration: start-up (helper startup15)", under one bench lock:
#   flock /tmp/jmiredo-bench.lock bench/results/startup15/run.sh TAG
# old = main 4fde28a6 built in /work/wt/base-startup15, new = this branch's tree; each tree's own launcher and jar with
# its own start-up cache (both the dynamic CDS archive), one recording start each, not counted; old and new
# alternating. quiet-TAG.txt: bench/startup.sh RUNS=9 LAUNCHER=1 CACHES=aot, the host as it was; busy-TAG.txt: the
# same inside startup4's busy.sh (a nice-0 busy loop per core); threads-TAG.txt: startup14's variants.sh, 5 rounds
# with both cores busy, each start's CPU split by thread.
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=bench/results/startup15
TAG=${1:-run1}
TREES="/work/wt/base-startup15 $PWD"
date -u; uptime
env RUNS=${RUNS:-9} LAUNCHER=1 CACHES=aot TREES="$TREES" bench/startup.sh > $R/quiet-$TAG.txt 2>&1
date -u; uptime
bench/results/startup4/busy.sh env RUNS=${RUNS:-9} LAUNCHER=1 CACHES=aot TREES="$TREES" bench/startup.sh > $R/busy-$TAG.txt 2>&1
date -u; uptime
[[ -n ${THREADS:-} ]] && JM_PREFIX=jmstartup15 bench/results/startup4/busy.sh $R/variants.sh 5 old=/work/wt/base-startup15 new=$PWD > $R/threads-$TAG.txt 2>&1
date -u; uptime
