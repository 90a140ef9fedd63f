#!/usr/bin/env bash
# run.sh TAG: the launcher's closing runs (startup15's run.sh): bench/startup.sh RUNS=9 LAUNCHER=1 CACHES=aot
# TREES="old new", each tree's launcher with its own archive (one recording start each, not counted), old and new
# alternating; quiet-TAG.txt the host as it was, busy-TAG.txt inside startup4's busy.sh (a busy loop per core).
# old = main b9079f58 in /work/wt/base-startup16, new = this branch.
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=bench/results/startup16
TAG=${1:-run1}
TREES="/work/wt/base-startup16 $PWD"
date -u; uptime
env RUNS=${RUNS:-9} LAUNCHER=1 CACHES=aot TREES="$TREES" bench/startup.sh > $R/quiet-$TAG.txt 2>&1
date -u; uptime
bench/results/startup4/busy.sh env RUNS=${RUNS:-9} LAUNCHER=1 CACHES=aot TREES="$TREES" bench/startup.sh > $R/busy-$TAG.txt 2>&1
date -u; uptime
