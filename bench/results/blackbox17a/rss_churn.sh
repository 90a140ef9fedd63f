#!/usr/bin/env bash
# blackbox17a: is the relay's memory flat under a long churn of new peers? Bench lab of bench/lab.sh (LAB.md rules,
# prefix jmbba-, removed on exit), 2 event loops, peers.max 1,048,576 (default). WAVES waves of blackbox15's flood6.py
# from the native host, each to N new Teredo addresses that never answer (one 48-byte packet each, so each makes an
# entry, a queue and a bubble): the table fills after ~4 waves of 250,000 and evicts after. RSS, heap, direct
# memory, peers, queued peers, evictions after each wave (5 s settle).
#   sudo bench/results/blackbox17a/rss_churn.sh JAR [WAVES N]   (from the repository root)
set -euo pipefail
JAR=$(realpath "$1") WAVES=${2:-8} N=${3:-250000}
source "$(dirname "$0")/common.sh"
bench_lab rss_churn
JMIREDO_JAR=$JAR relay_start_jmiredo "$W"
m() { ip netns exec "$RLY" curl -s 127.0.0.1:9544/metrics; }
show() {
    local pid rss
    pid=$(relay_pids | cut -d, -f1)
    rss=$(awk '/VmRSS/ {print $2}' /proc/"$pid"/status)
    echo "== $1: RSS $((rss / 1024)) MiB; $(m | awk '/^jmiredo_peers |^jmiredo_peers_queued |^jmiredo_peer_evictions_total|^netty_direct_memory_used_bytes/ {printf "%s=%s ", $1, $2} /^jvm_memory_used_bytes\{area="heap"/ {heap += $NF} /^jvm_memory_committed_bytes\{area="heap"/ {committed += $NF} END {printf "heap_used=%.1fMiB heap_committed=%.1fMiB", heap / 1048576, committed / 1048576}')"
}
sleep 8 # the warm-up
show "before"
for w in $(seq 0 $((WAVES - 1))); do
    ip netns exec "$V6" python3 "$ROOT/bench/results/blackbox15/flood6.py" "$N" 1 8 $((w * N)) >/dev/null
    sleep 5
    show "wave $((w + 1)) ($(((w + 1) * N)) addresses)"
done
sleep 10
show "10 s later"
"$JAVA_HOME/bin/jcmd" "$(relay_pids | cut -d, -f1)" GC.run >/dev/null
sleep 2
show "after a full GC (jcmd GC.run)"
echo "== log lines above DEBUG after ready: $(grep -c -E ' (WARN|ERROR) ' "$W/jmiredo.log" || true)"
