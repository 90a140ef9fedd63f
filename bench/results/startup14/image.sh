#!/usr/bin/env bash
# image.sh N TREE...: the container image's start path without Docker: per tree, its deploy/docker/aot-train.sh
# (the Dockerfile's JAVA_OPTS and cache file name: old .aot, new .jsa) trains the cache in a throw-away namespace,
# then N rounds of timed relay starts through its entrypoint.sh (JAVA_OPTS, JMIREDO_AOT_CACHE, JMIREDO_JAR = the
# tree's jar), trees alternating: ms from exec to the first /readyz 200 and CPU ms then. Under the lock, e.g. in
# startup4's busy.sh.
set -uo pipefail
N=$1; shift
source "$(dirname "$(readlink -f "$0")")/ns.sh"
HZ=$(getconf CLK_TCK)
export PATH=$JAVA_HOME/bin:$PATH
opts() { sed -n 's/^ENV JAVA_OPTS="\([^"]*\)".*/\1/p' $1/deploy/docker/Dockerfile; }
cache() { sed -n 's/^ *JMIREDO_AOT_CACHE="\/opt\/jmiredo\/\([^"]*\)".*/\1/p' $1/deploy/docker/Dockerfile; }
for t in "$@"; do
  c=$JMD/img-$(basename $t)-$(cache $t); rm -f $c
  ip netns exec $NS env JAVA_OPTS="$(opts $t)" JMIREDO_JAR=$t/relay-server/target/jmiredo.jar \
    bash $t/deploy/docker/aot-train.sh $c $JMD/relay.conf >$JMD/img-train.log 2>&1 || { cat $JMD/img-train.log; exit 1; }
  echo "$(basename $t): trained $(ls -la $c | awk '{print $5}') bytes, JAVA_OPTS=$(opts $t)"
done
uptime
for i in $(seq $N); do
  for t in "$@"; do
    c=$JMD/img-$(basename $t)-$(cache $t)
    t0=$(date +%s%N)
    ip netns exec $NS env JAVA_OPTS="$(opts $t)" JMIREDO_AOT_CACHE=$c JMIREDO_JAR=$t/relay-server/target/jmiredo.jar \
      bash $t/deploy/docker/entrypoint.sh --config $JMD/relay.conf >$JMD/img.log 2>&1 &
    P=$!
    until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do
      kill -0 $P 2>/dev/null || { cat $JMD/img.log; exit 1; }; sleep 0.005; done
    t1=$(date +%s%N)
    echo "$(basename $t) ready $(( (t1-t0)/1000000 )) cpu $(sed 's/.*) //' /proc/$P/stat | awk -v hz=$HZ '{ print int(($12 + $13) * 1000 / hz) }')"
    kill $P; wait $P; sleep 0.3
  done
done | tee $JMD/img.out
uptime
python3 - $JMD/img.out <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
for t in dict.fromkeys(r[0] for r in rows):
    mine = [r for r in rows if r[0] == t]
    print(f"median of {len(mine)} {t}: ready {statistics.median(int(r[2]) for r in mine):.0f} cpu {statistics.median(int(r[4]) for r in mine):.0f}")
PY
