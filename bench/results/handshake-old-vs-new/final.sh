#!/usr/bin/env bash
# The branch as it ends (final.jar: the allocated-slots count only) against main's jar, cold, alternating twice:
#   flock /tmp/jmiredo-bench.lock bash bench/results/handshake-old-vs-new/final.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
env PEERS=100000 PRIME_RATE=100000 HS_SYSCALLS=1 REPEAT=2 RELAYS="jmiredo@base jmiredo@final" \
    JAR_base=/tmp/hs-handshake/base.jar JAR_final=/tmp/hs-handshake/final.jar \
    JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m" bench/handshake.sh 2>&1 \
    | grep -E '^(variant|jmiredo|miredo|  |    )|results'
