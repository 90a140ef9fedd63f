#!/usr/bin/env bash
# variants.sh N LABEL=TREE[:JVM options] ...: each variant is TREE's bin/jmiredo with the JVM options given (in
# JMIREDO_JAVA_OPTS, commas for spaces; @DIR@ for its cache directory, which turns the launcher's AOT cache off), with its own AOT cache (one recording start each, not counted); then N rounds,
# the variants alternating within each. Per start: ms from exec to the first /readyz 200, the process's CPU (user +
# system, ms) then, and that CPU split by thread: main (the thread "java"), the JIT's (C1, C2) and the rest.
# Medians per variant at the end. Under the lock:  flock /tmp/jmiredo-bench.lock variants.sh 7 old=/work/wt/base ...
set -uo pipefail
N=$1; shift
source "$(dirname "$(readlink -f "$0")")/ns.sh"
HZ=$(getconf CLK_TCK)
declare -A TREE OPTS
LABELS=()
for v in "$@"; do
  l=${v%%=*}; rest=${v#*=}; LABELS+=("$l")
  TREE[$l]=${rest%%:*}; [[ $rest == *:* ]] && OPTS[$l]=${rest#*:} || OPTS[$l]=
done
run() { # label cache-dir
  local P t0 t1 o=${OPTS[$1]//,/ } aot=$2
  # Options naming @DIR@ (e.g. a CDS archive there): @DIR@ is the variant's cache directory, the launcher's own cache off.
  [[ $o != *@DIR@* ]] || { o=${o//@DIR@/$2}; aot=off; }
  t0=$(date +%s%N)
  ip netns exec $NS env JMIREDO_AOT_CACHE=$aot JMIREDO_JAVA_OPTS="$o" ${TREE[$1]}/bin/jmiredo relay --config $JMD/relay.conf >$JMD/v.log 2>&1 &
  P=$!
  until ip netns exec $NS curl -sf --max-time 0.2 -o /dev/null http://127.0.0.1:9544/readyz; do
    kill -0 $P 2>/dev/null || { cat $JMD/v.log >&2; return 1; }; sleep 0.005; done
  t1=$(date +%s%N)
  echo "$1 ready $(( (t1-t0)/1000000 )) $(for t in /proc/$P/task/*; do n=$(tr -d '0-9 ' <$t/comm); s=$(sed 's/.*) //' $t/stat); echo "$n $s"; done \
    | awk -v hz=$HZ '{ c = ($12 + $13) * 1000 / hz; t += c; if ($1 == "java") m += c; else if ($1 ~ /CompilerThre/) j += c; else r += c }
      END { printf "cpu %d main %d jit %d rest %d", t, m, j, r }')"
  kill $P; wait $P
}
for l in "${LABELS[@]}"; do C=$JMD/aot-v-$l; rm -rf $C; mkdir -p $C; run $l $C >/dev/null; [[ -n "$(ls $C)" ]] || echo "no cache for $l" >&2; done
uptime
for i in $(seq $N); do for l in "${LABELS[@]}"; do run $l $JMD/aot-v-$l; sleep 0.3; done; done | tee $JMD/v.out
uptime
python3 - $JMD/v.out "${LABELS[@]}" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
for lab in sys.argv[2:]:
    mine = [r for r in rows if r[0] == lab]
    if not mine: continue
    keys = mine[0][1::2]
    med = {k: statistics.median(int(r[1 + 2 * i + 1]) for r in mine) for i, k in enumerate(keys)}
    print(f"median of {len(mine)} {lab}: " + " ".join(f"{k} {med[k]:.0f}" for k in keys))
PY
