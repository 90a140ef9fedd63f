#!/usr/bin/env bash
# image15.sh N OLD NEW: the container image's start path without Docker (startup14's image.sh, extended): OLD's
# aot-train.sh trains the image's archive (the mire role) in a throw-away namespace and its entrypoint maps it; NEW's
# entrypoint runs with JMIREDO_CACHE_DIR (a directory standing for the volume): one recording start of the relay (not
# counted; the archive is written at its stop), then its starts map the relay's own archive. Both with their
# Dockerfile's JAVA_OPTS; N rounds, OLD and NEW alternating: ms from exec to the first /readyz 200 and CPU ms then.
# Under the lock, e.g. in startup4's busy.sh.
set -uo pipefail
N=$1; OLD=$2; NEW=$3
source "$(dirname "$(readlink -f "$0")")/ns.sh"
HZ=$(getconf CLK_TCK)
export PATH=$JAVA_HOME/bin:$PATH
opts() { sed -n 's/^ENV JAVA_OPTS="\([^"]*\)".*/\1/p' $1/deploy/docker/Dockerfile; }
VOL=$JMD/img-volume; rm -rf $VOL; mkdir -p $VOL
IMG=$JMD/img-old.jsa; rm -f $IMG
ip netns exec $NS env JAVA_OPTS="$(opts $OLD)" JMIREDO_JAR=$OLD/relay-server/target/jmiredo.jar \
  bash $OLD/deploy/docker/aot-train.sh $IMG $JMD/relay.conf >$JMD/img-train.log 2>&1 || { cat $JMD/img-train.log; exit 1; }
echo "old: trained $(stat -c %s $IMG) bytes (mire), JAVA_OPTS=$(opts $OLD)"
start() { # label tree extra-env...
  local l=$1 t=$2 P t0 t1; shift 2
  t0=$(date +%s%N)
  ip netns exec $NS env JAVA_OPTS="$(opts $t)" JMIREDO_JAR=$t/relay-server/target/jmiredo.jar "$@" \
    bash $t/deploy/docker/entrypoint.sh --config $JMD/relay.conf >$JMD/img.log 2>&1 &
  P=$!
  until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do
    kill -0 $P 2>/dev/null || { cat $JMD/img.log >&2; exit 1; }; sleep 0.005; done
  t1=$(date +%s%N)
  echo "$l ready $(( (t1-t0)/1000000 )) cpu $(sed 's/.*) //' /proc/$P/stat | awk -v hz=$HZ '{ print int(($12 + $13) * 1000 / hz) }')"
  sleep ${HOLD:-0}; kill $P; wait $P; sleep 0.3
}
HOLD=3 start record $NEW JMIREDO_CACHE_DIR=$VOL JMIREDO_AOT_CACHE=
echo "new: recorded $(ls $VOL) $(stat -c %s $VOL/*.jsa) bytes (relay)"
uptime
for i in $(seq $N); do
  start old $OLD JMIREDO_AOT_CACHE=$IMG
  start new $NEW JMIREDO_CACHE_DIR=$VOL JMIREDO_AOT_CACHE=$IMG
done | tee $JMD/img.out
uptime
python3 - $JMD/img.out <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
for t in ("old", "new"):
    mine = [r for r in rows if r[0] == t]
    print(f"median of {len(mine)} {t}: ready {statistics.median(int(r[2]) for r in mine):.0f} cpu {statistics.median(int(r[4]) for r in mine):.0f}")
o = [r for r in rows if r[0] == "old"]; n = [r for r in rows if r[0] == "new"]
print("pairs new/old ready: " + " ".join(f"{int(b[2]) / int(a[2]):.2f}" for a, b in zip(o, n)))
print(f"new lower: ready {sum(int(b[2]) < int(a[2]) for a, b in zip(o, n))} of {len(n)}, cpu {sum(int(b[4]) < int(a[4]) for a, b in zip(o, n))} of {len(n)}")
print(f"under 1 s: old {sum(int(r[2]) < 1000 for r in o)} of {len(o)}, new {sum(int(r[2]) < 1000 for r in n)} of {len(n)}")
PY
