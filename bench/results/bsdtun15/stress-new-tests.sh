#!/usr/bin/env bash
# The new BSD tests RUNS times with a CPU burner per core (a slow, noisy CI host). Hold the bench lock around it:
#   flock /tmp/jmiredo-bench.lock bench/results/bsdtun15/stress-new-tests.sh 10 > bench/results/bsdtun15/stress.txt
set -uo pipefail
runs=${1:-10}
cd "$(dirname "$0")/../../.."
burners=()
for _ in $(seq "$(nproc)"); do (while :; do :; done) & burners+=($!); done
trap 'kill "${burners[@]}" 2>/dev/null' EXIT
for i in $(seq "$runs"); do
    ./mvnw -B -o -pl relay-server -am test -Dtest='Bsd*Test,AfFramedQueueTest,TunnelPlatformTest' \
        -Dsurefire.failIfNoSpecifiedTests=false > /tmp/bsdtun15-stress-$i.log 2>&1
    echo "run $i: rc=$? $(grep -E '^\[INFO\] Tests run: [0-9]+, Failures' /tmp/bsdtun15-stress-$i.log | tail -1)$(grep -E '<<< FAIL' /tmp/bsdtun15-stress-$i.log | head -3)"
done
