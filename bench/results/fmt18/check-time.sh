#!/bin/bash
# What the format check adds to a build: wall time of `./mvnw -B -o spotless:check` over the whole tree, cold
# (no spotless-index, as on CI's fresh clone) and warm (index kept: files unchanged since the last check are
# skipped), against `./mvnw -B -o validate` (Maven's own start and reactor, nothing else), alternating.
# Run from the repository root under the lock: flock /tmp/jmiredo-bench.lock bench/results/fmt18/check-time.sh
set -u
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
t() { local s=$(date +%s.%N); "$@" > /dev/null 2>&1; local rc=$?; printf '%.1f(rc=%d)' "$(echo "$(date +%s.%N) - $s" | bc)" "$rc"; }
echo "# $(date -u +%FT%TZ) HEAD $(git rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "round validate_s check_cold_s check_warm_s"
for round in 1 2 3; do
    v=$(t ./mvnw -B -o validate)
    find . -path '*/target/spotless-index' -delete
    c=$(t ./mvnw -B -o spotless:check)
    w=$(t ./mvnw -B -o spotless:check)
    echo "$round $v $c $w"
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
