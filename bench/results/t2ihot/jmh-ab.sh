#!/bin/bash
# DataPathBench old (main 1c977f1 + the benchmark as first written: a pooled buffer allocated per tunnel packet,
# as TunQueueHandle read then) against new (this branch), alternating. Jars built beforehand:
#   /tmp/t2ihot-bench-a.jar (old), /tmp/t2ihot-bench-b.jar (new). Run from the repository root as
#   flock /tmp/jmiredo-bench.lock bench/results/t2ihot/jmh-ab.sh OUTDIR
# (Its body is now bench/jmh-ab.sh, with the same JMH options.)
JAR_A=/tmp/t2ihot-bench-a.jar JAR_B=/tmp/t2ihot-bench-b.jar exec "$(dirname "$0")/../../jmh-ab.sh" "$@"
