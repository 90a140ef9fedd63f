#!/usr/bin/env bash
# The closing run of BENCHMARKS.md "Eleventh iteration: restart and start-up (helper startup3)", under one bench lock:
#   flock /tmp/jmiredo-bench.lock bench/results/restart/run.sh > bench/results/restart/final.txt 2>&1
# OLD = main 3f0838b (/work/wt/base), NEW = a snapshot of this branch's launcher and jar (SNAPSHOT below).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd -P)
OLD=${OLD:-/work/wt/base} NEW=${NEW:-/tmp/su3/snapC}
echo "== idle: every role, without and with the cache"
RUNS=5 TREES="$OLD $NEW" "$ROOT/bench/restart.sh"
echo "== after traffic (relay: 20,000 new peers and 2 s at 50,000 pkt/s both ways; client: 20 pings through the relay)"
RUNS=3 ROLES="relay client" CACHES=aot TRAFFIC=1 TREES="$OLD $NEW" "$ROOT/bench/restart.sh"
echo "== the relay stopped while it carries 150,000 pkt/s both ways"
RUNS=3 ROLES=relay CACHES=aot TRAFFIC=during TREES="$OLD $NEW" "$ROOT/bench/restart.sh"
echo "== start-up to ready of the relay (bench/startup.sh)"
RUNS=7 LAUNCHER=1 TREES="$OLD $NEW" "$ROOT/bench/startup.sh"
