#!/usr/bin/env bash
# queues16: queue_memory.sh for main's jar (old) and this branch's (new), alternating, 48 and 1,280-byte packets,
# G1 (the JVM's default, as blackbox15 measured) and ZGC (the launcher's collector). Under the bench lock:
#   flock /tmp/jmiredo-bench.lock bench/results/queues16/run_memory.sh OLD.jar NEW.jar >> bench/results/queues16/queue_memory.txt
set -uo pipefail
OLD=$1 NEW=$2
HERE=$(cd "$(dirname "$0")" && pwd)
echo "# $(date -u) load: $(cut -d' ' -f1-3 /proc/loadavg)"
for spec in "4096 40 8" "16384 4 1232"; do
    for gc in "-XX:+UseG1GC" "-XX:+UseZGC"; do
        for jar in "$OLD" "$NEW"; do
            # shellcheck disable=SC2086
            JM_JAVA_OPTS="$gc" LAB_PREFIX=jmq16$RANDOM "$HERE/queue_memory.sh" "$jar" $spec 16384 2>&1 \
                | grep -E "^(heap|sent|measured|WARNING|[a-z]+\.jar) "
        done
    done
done
