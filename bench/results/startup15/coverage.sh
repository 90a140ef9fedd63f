#!/usr/bin/env bash
# coverage.sh: which training covers a relay's start (counts, not timings; no lock needed). This tree's jar, the
# launcher's options with --sun-misc-unsafe-memory-access=allow; four archives, then one relay start with each and
# -Xlog:class+load (to 0.3 s after ready): classes not from the archive.
#   m: dynamic archive of the mire (the image's training: start, one scrape, SIGTERM)
#   f: dynamic archive of a relay without CAP_NET_ADMIN (its start fails at TUNSETIFF, the JVM writes it at exit)
#   s: static archive (-Xshare:dump) from the class lists (-XX:DumpLoadedClassList) of m's and f's runs, merged
#   u: dynamic archive of the relay's own start (as bin/jmiredo and JMIREDO_CACHE_DIR record it)
set -uo pipefail
source "$(dirname "$(readlink -f "$0")")/ns.sh"
D=$JMD/cov; rm -rf $D; mkdir -p $D
J=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd -P)/relay-server/target/jmiredo.jar
O="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m -XX:Tier3InvocationThreshold=1000 -XX:Tier3MinInvocationThreshold=500 -XX:Tier3CompileThreshold=10000 -XX:Tier3BackEdgeThreshold=300000"
ready() { until ip netns exec $NS curl -sf -o /dev/null --max-time 0.2 http://127.0.0.1:9544/readyz; do sleep 0.005; done; }
mire() { ip netns exec $NS $JAVA_HOME/bin/java $O "$@" -jar $J mire --config $JMD/relay.conf --metrics-listen 127.0.0.1:9544 >>$D/train.log 2>&1 & P=$!
  ready; ip netns exec $NS curl -sf -o /dev/null http://127.0.0.1:9544/metrics; kill $P; wait $P; }
failing() { ip netns exec $NS capsh --drop=cap_net_admin -- -c "$JAVA_HOME/bin/java $O $* -jar $J relay --config $JMD/relay.conf" >>$D/train.log 2>&1; }
relay() { ip netns exec $NS $JAVA_HOME/bin/java $O "$@" -jar $J relay --config $JMD/relay.conf >>$D/train.log 2>&1 & P=$!; ready; sleep ${HOLD:-0.3}; kill $P; wait $P; }
mire -XX:ArchiveClassesAtExit=$D/m.jsa -Xlog:cds=off
failing -XX:ArchiveClassesAtExit=$D/f.jsa -Xlog:cds=off
HOLD=3 relay -XX:ArchiveClassesAtExit=$D/u.jsa -Xlog:cds=off
mire -XX:DumpLoadedClassList=$D/mire.classlist
failing -XX:DumpLoadedClassList=$D/relay.classlist
# One list: the ids are per file, so they go; each line once.
cat $D/mire.classlist $D/relay.classlist | grep -v '^#' | sed -E 's/ id: [0-9]+$//' | awk '!seen[$0]++' >$D/merged.classlist
$JAVA_HOME/bin/java $O -Xshare:dump -XX:SharedClassListFile=$D/merged.classlist -XX:SharedArchiveFile=$D/s.jsa -jar $J >$D/sdump.log 2>&1
for a in m f s u; do
  relay -XX:SharedArchiveFile=$D/$a.jsa -Xlog:cds=off -Xlog:class+load:file=$D/cov-$a.cl
  c=$D/cov-$a.cl; n() { grep -v 'shared objects file' $c | grep -c "$1"; }
  echo "$a ($(stat -c %s $D/$a.jsa) bytes): $(grep -c . $c) classes loaded, not from the archive $(grep -vc 'shared objects file' $c): lambdas' $(n 'Lambda/'), LambdaForms $(n LambdaForm), ours $(n org.jmiredo), from the jar $(grep -c 'source: file:' $c)"
done
