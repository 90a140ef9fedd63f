#!/usr/bin/env bash
# The launcher's way (bin/jmiredo): a first life records the AOT cache at its clean exit (-XX:AOTCacheOutput),
# later starts use it. Here the first life is one cold 100,000-peer handshake (train); then this branch's jar
# cold without (new) and with (aot) that cache, in one job under the bench lock:
#   flock /tmp/jmiredo-bench.lock bash bench/results/handshake-old-vs-new/aot.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
z="-XX:+UseZGC -XX:SoftMaxHeapSize=256m"
rm -f /tmp/hs-handshake/new.aot
# REPEAT=2 records the cache twice (train runs first in each repetition); new and aot alternate after it.
env PEERS=100000 PRIME_RATE=100000 HS_SYSCALLS=1 REPEAT=${REPEAT:-2} RELAYS="jmiredo@train jmiredo@new jmiredo@aot" \
    JAR_train=/tmp/hs-handshake/new.jar JAR_new=/tmp/hs-handshake/new.jar JAR_aot=/tmp/hs-handshake/new.jar \
    OPTS_train="$z -XX:AOTCacheOutput=/tmp/hs-handshake/new.aot -Xlog:aot=error" OPTS_new="$z" \
    OPTS_aot="$z -XX:AOTCache=/tmp/hs-handshake/new.aot -Xlog:aot:file=/tmp/hs-handshake/aot-use.log" bench/handshake.sh 2>&1 \
    | grep -E '^(variant|jmiredo|miredo|  |    )|results'
ls -la /tmp/hs-handshake/new.aot
grep -m3 -i 'opened\|mapped\|using\|disab\|error' /tmp/hs-handshake/aot-use.log || true # the cache was used
