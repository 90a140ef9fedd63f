#!/usr/bin/env bash
# pc.sh TREE OUT: one relay start without a cache, -XX:+PrintCompilation into OUT, stopped 4 s after ready
set -uo pipefail
TREE=$1; OUT=$2
source "$(dirname "$(readlink -f "$0")")/relayns.sh"
ip netns exec $NS env JMIREDO_AOT_CACHE=off JMIREDO_JAVA_OPTS="-XX:+PrintCompilation" $TREE/bin/jmiredo relay --config /tmp/su3/relay.conf >$OUT 2>&1 &
P=$!
until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do sleep 0.01; done
echo "=== READY" >> $OUT
sleep 4; kill $P; wait $P
