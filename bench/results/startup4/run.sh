#!/usr/bin/env bash
# The closing runs of BENCHMARKS.md "Twelfth iteration: start-up (helper startup4)", under one bench lock:
#   flock /tmp/jmiredo-bench.lock bench/results/startup4/run.sh
# old = main f68efb9 built in /work/wt/base-startup4, new = this branch's tree; each tree's launcher and jar.
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=bench/results/startup4
TREES="/work/wt/base-startup4 $PWD"
date; uptime
env RUNS=9 LAUNCHER=1 CACHES=aot TREES="$TREES" bench/startup.sh > $R/quiet-run1.txt 2>&1
date; uptime
# busy: two CPU burners (nice 0, one per core) alive for the whole run, for old and new alike
$R/busy.sh env RUNS=9 LAUNCHER=1 CACHES=aot TREES="$TREES" bench/startup.sh > $R/busy-run1.txt 2>&1
date; uptime
env RUNS=5 ROLES="server client" CACHES=aot TREES="$TREES" bench/restart.sh > $R/restart-run1.txt 2>&1
date; uptime
