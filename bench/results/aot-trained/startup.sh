#!/usr/bin/env bash
# Startup to ready, in one job under the bench lock (BENCHMARKS.md, "Sixth iteration"):
#   flock /tmp/jmiredo-bench.lock bash bench/results/aot-trained/startup.sh SNAPSHOT [OUTPUT_PREFIX]
# SNAPSHOT: a copy of this branch's bin/ and relay-server/target/jmiredo.jar (the launcher uses its tree's jar
# in place, and an AOT cache fits that file only). Run 1: that launcher with no cache, the cache a first start
# records, and the cache `bin/jmiredo train-aot` writes, alternately. Run 2: main's launcher and jar
# (/work/wt/base) against the snapshot, with and without the recorded cache: the tunnel's set-up beside the
# UDP binding.
set -euo pipefail
cd "$(dirname "$0")/../../.."
snap=${1:?usage: startup.sh SNAPSHOT [OUTPUT_PREFIX]}
out=${2:-bench/results/aot-trained/startup}
env RUNS=${RUNS:-5} LAUNCHER=1 TRAIN=1 TREES="$snap" bench/startup.sh 2>&1 | tee "$out-caches.txt"
env RUNS=${RUNS:-5} LAUNCHER=1 TREES="/work/wt/base $snap" bench/startup.sh 2>&1 | tee "$out-old-vs-new.txt"
