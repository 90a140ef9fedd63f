#!/usr/bin/env bash
# hid.sh TREE: record, then one start with cache + class+load log; counts of sources
set -uo pipefail
TREE=$1
source "$(dirname "$(readlink -f "$0")")/ns.sh"
C=/tmp/jmstartup4/aot-hid-$(basename $TREE); rm -rf $C; mkdir -p $C
for i in 0 1; do
ip netns exec $NS env JMIREDO_AOT_CACHE=$C JMIREDO_JAVA_OPTS="-Xlog:class+load:file=/tmp/jmstartup4/hid-$(basename $TREE).log:uptime" $TREE/bin/jmiredo relay --config /tmp/jmstartup4/relay.conf >/tmp/jmstartup4/run.log 2>&1 &
P=$!
until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do sleep 0.005; done
sleep 0.3; kill $P; wait $P
done
L=/tmp/jmstartup4/hid-$(basename $TREE).log
echo "$TREE: total $(grep -c source: $L), not from cache: $(grep source: $L | grep -vc 'shared objects file')"
grep source: $L | grep -v 'shared objects file' | sed -E 's/.*\] ([^ ]+) source: (.*)/\1 \2/' | awk '{n=$1; s=$2; k= (n ~ /StringConcat/) ? "StringConcat" : (n ~ /\$\$Lambda/) ? "Lambda" : (n ~ /LambdaForm|Species/) ? "LambdaForm/BMH" : (s ~ /^(jrt|file)/) ? "file:" s : "other-hidden"; print k}' | sort | uniq -c | sort -rn
