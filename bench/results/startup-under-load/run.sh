#!/usr/bin/env bash
# One old-against-new start-up run (BENCHMARKS.md, "Eighth iteration: startup under load"): bench/startup.sh with
# the launcher (LAUNCHER=1), RUNS starts per tree and cache setting, the trees in turn. Run it under the bench lock:
#   flock /tmp/jmiredo-bench.lock bench/results/startup-under-load/run.sh            # as the host is
#   LOAD=1 flock /tmp/jmiredo-bench.lock bench/results/startup-under-load/run.sh     # and a busy loop on CPU 1
# LOAD=1 keeps one shell busy loop (`while :; do :; done`) pinned to CPU 1 (taskset) for the whole run: the
# relay and the harness get one free core and share the other, as on a host with another busy process.
# TREES: directories holding bin/jmiredo and relay-server/target/jmiredo.jar (snapshots; see README.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${TREES:=/work/wt/base /tmp/su2/snapA /tmp/su2/snapB}"
: "${RUNS:=5}"
busy=
cleanup() { [[ -z "$busy" ]] || kill "$busy" 2>/dev/null || true; }
trap cleanup EXIT
if [[ -n "${LOAD:-}" ]]; then
    taskset -c 1 bash -c 'while :; do :; done' &
    busy=$!
    echo "busy loop: pid $busy on CPU 1"
fi
date -u
cat /proc/loadavg
RUNS=$RUNS LAUNCHER=1 TREES="$TREES" "$here/../../startup.sh"
cat /proc/loadavg
date -u
