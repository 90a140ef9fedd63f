#!/usr/bin/env bash
# classlog.sh TREE OUT: one relay start with its cache (after a recording start) and -Xlog:class+load with the
# thread id and uptime of each load: which thread met which class (and spun which lambda) when. Under the lock.
set -uo pipefail
T=$1; OUT=$2
source "$(dirname "$(readlink -f "$0")")/ns.sh"
C=/tmp/jmstartup5/aot-cl-$(basename $T); rm -rf $C; mkdir -p $C
for i in 1 2; do
  rm -f $OUT
  ip netns exec $NS env JMIREDO_AOT_CACHE=$C JMIREDO_JAVA_OPTS="-Xlog:class+load=info:file=$OUT:uptime,tid -Xlog:startuptime=info:file=$OUT.st:uptime,tid" \
    $T/bin/jmiredo relay --config /tmp/jmstartup5/relay.conf >/tmp/jmstartup5/cl.log 2>&1 &
  P=$!
  until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do sleep 0.005; done
  sleep 0.3; kill $P; wait $P
done
grep -c . $OUT
