#!/usr/bin/env bash
# Old (main's jar, /work/wt/base) against new (branch handshake) and Miredo, cold then warm, in one job under
# the bench lock: flock /tmp/jmiredo-bench.lock bash bench/results/handshake-old-vs-new/run.sh
# The jars are copied first to /tmp/hs-handshake/{base,new}.jar (bench/handshake.sh pins them again).
set -euo pipefail
cd "$(dirname "$0")/../../.."
common=(PEERS=100000 PRIME_RATE=100000 HS_SYSCALLS=1 RELAYS="jmiredo@base jmiredo@new miredo"
        JAR_base=/tmp/hs-handshake/base.jar JAR_new=/tmp/hs-handshake/new.jar
        JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m")
for warm in ${WARMS:-0 100000}; do
    echo "##### WARM_PEERS=$warm $(date -u +%T)"
    env "${common[@]}" WARM_PEERS="$warm" bench/handshake.sh 2>&1 | grep -E '^(variant|jmiredo|miredo|  |    )|results'
done
