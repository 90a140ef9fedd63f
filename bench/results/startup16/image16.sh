#!/usr/bin/env bash
# image16.sh N OLD NEW: the container image's start path without Docker, as it is deployed (compose, DaemonSet): each
# tree's entrypoint with its Dockerfile's JAVA_OPTS and JMIREDO_CACHE_DIR (a directory of its own standing for the
# volume): one recording start each (not counted; the archive is written at its stop), then N rounds, OLD and NEW
# alternating, each mapping its own relay-recorded archive: ms from exec to the first /readyz 200 and CPU ms then.
# No memory limit (as startup15's image15.sh): ZGC's default first heap is then 1/64 of the host's memory.
# Under the lock, e.g. in startup4's busy.sh.
set -uo pipefail
N=$1; OLD=$2; NEW=$3
source "$(dirname "$(readlink -f "$0")")/ns.sh"
HZ=$(getconf CLK_TCK)
export PATH=$JAVA_HOME/bin:$PATH
opts() { sed -n 's/^ENV JAVA_OPTS="\([^"]*\)".*/\1/p' $1/deploy/docker/Dockerfile; }
start() { # label tree volume
  local l=$1 t=$2 v=$3 P t0 t1
  t0=$(date +%s%N)
  ip netns exec $NS env JAVA_OPTS="$(opts $t)" JMIREDO_JAR=$t/relay-server/target/jmiredo.jar JMIREDO_CACHE_DIR=$v \
    JMIREDO_AOT_CACHE= bash $t/deploy/docker/entrypoint.sh --config $JMD/relay.conf >$JMD/img.log 2>&1 &
  P=$!
  until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do
    kill -0 $P 2>/dev/null || { cat $JMD/img.log >&2; exit 1; }; sleep 0.005; done
  t1=$(date +%s%N)
  echo "$l ready $(( (t1-t0)/1000000 )) cpu $(sed 's/.*) //' /proc/$P/stat | awk -v hz=$HZ '{ print int(($12 + $13) * 1000 / hz) }')"
  sleep ${HOLD:-0}; kill $P; wait $P; sleep 0.3
}
for t in old new; do rm -rf $JMD/vol-$t; mkdir -p $JMD/vol-$t; done
HOLD=3 start record-old $OLD $JMD/vol-old
HOLD=3 start record-new $NEW $JMD/vol-new
echo "old JAVA_OPTS: $(opts $OLD); recorded $(ls $JMD/vol-old)"
echo "new JAVA_OPTS: $(opts $NEW); recorded $(ls $JMD/vol-new)"
uptime
for i in $(seq $N); do
  start old $OLD $JMD/vol-old
  start new $NEW $JMD/vol-new
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
