#!/usr/bin/env bash
# blackbox15: what a full queue budget really holds. The relay (JAR) with peers.max-queued-peers=QUEUED takes
# a flood from the native side to PEERS silent Teredo addresses, PACKETS packets of SIZE UDP payload bytes each
# (bench lab of bench/lab.sh; LAB.md rules, all removed on exit); then, while the queues are full, the heap's
# class histogram after a full GC (jcmd GC.class_histogram), Netty's direct memory and the queued packets.
#   sudo bench/results/blackbox15/queue_memory.sh JAR [PEERS PACKETS SIZE QUEUED]   (from the repository root)
set -euo pipefail
JAR=$(realpath "$1"); PEERS=${2:-16384} PACKETS=${3:-40} SIZE=${4:-8} QUEUED=${5:-16384}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
source "$ROOT/bench/lab.sh"
bench_setup queue_memory blackbox15
cp "$JAR" "$PIN/jmiredo.jar"
export JM_CONF_EXTRA="jmiredo.peers.max-queued-peers = $QUEUED"
W=$(mktemp -d /tmp/queue_memory.XXXXXX)
trap 'lab_down; rm -rf "$PIN" "$W"' EXIT
lab_up
relay_start_jmiredo "$W"
m() { ip netns exec "$RLY" curl -s 127.0.0.1:9544/metrics; }
sleep 8
pid=$(pgrep -f "$PIN/jmiredo.jar" | head -1)
hist() { "$JAVA_HOME/bin/jcmd" "$pid" GC.class_histogram 2>/dev/null | sed -n '1,14p;$p'; }
echo "== before"; hist
m | grep -E '^(jmiredo_peers_queued|jmiredo_queued_packets_total|netty_direct_memory_used_bytes|jvm_memory_used_bytes\{area="heap")'
ip netns exec "$V6" python3 "$ROOT/bench/results/blackbox15/flood6.py" "$PEERS" "$PACKETS" "$SIZE"
echo "== after flood"; hist
m | grep -E '^(jmiredo_peers_queued|jmiredo_queued_packets_total|netty_direct_memory_used_bytes|jvm_memory_used_bytes\{area="heap")'
