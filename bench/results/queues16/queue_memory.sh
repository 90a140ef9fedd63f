#!/usr/bin/env bash
# queues16: what a full queue budget really holds against what it is charged (after blackbox15's script of the
# same name). The relay (JAR; JM_JAVA_OPTS for its JVM, e.g. -XX:+UseZGC) with peers.max-queued-peers=QUEUED takes
# a flood from the native side to PEERS silent Teredo addresses, PACKETS packets of SIZE UDP payload bytes each
# (bench lab of bench/lab.sh; LAB.md rules, all removed on exit); back to back to each (blackbox15's flood6.py); then, while the queues are full, the live heap
# (the class histogram's total, jcmd GC.class_histogram, which collects first), Netty's direct memory, the queued
# packets and what they are charged: jmiredo_peer_queues_bytes where the relay has it, else as main charged them
# (each packet its length, at least 128 bytes). Prints one summary line: real = heap + direct growth. Since
# blackbox15 a queue goes 4 s after its peer's last bubble went unanswered: the flood must end within that (about
# 4,096 peers of 40 small packets, 16,384 of 4 large ones on the 2-core host), and the script says whether any
# queue went before or while it measured (discarded > 0, or the queued peers fell), which spoils the figure.
#   sudo bench/results/queues16/queue_memory.sh JAR [PEERS PACKETS SIZE QUEUED]   (from the repository root)
set -euo pipefail
JAR=$(realpath "$1"); PEERS=${2:-16384} PACKETS=${3:-40} SIZE=${4:-8} QUEUED=${5:-16384}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
source "$ROOT/bench/lab.sh"
bench_setup queue_memory queues16
cp "$JAR" "$PIN/jmiredo.jar"
export JM_CONF_EXTRA="jmiredo.peers.max-queued-peers = $QUEUED"
W=$(mktemp -d /tmp/queue_memory.XXXXXX)
trap 'lab_down; rm -rf "$PIN" "$W"' EXIT
lab_up
relay_start_jmiredo "$W"
m() { ip netns exec "$RLY" curl -s 127.0.0.1:9544/metrics; }
sample() { m | awk -v n="$1" '$1 == n { printf "%.0f\n", $2 }'; }
sleep 8
pid=$(pgrep -f "$PIN/jmiredo.jar" | head -1)
heap() { "$JAVA_HOME/bin/jcmd" "$pid" GC.class_histogram 2>/dev/null | awk '$1 == "Total" { print $3 }'; }
gc=$("$JAVA_HOME/bin/jcmd" "$pid" VM.flags 2>/dev/null | grep -oE 'Use(G1|Z|Parallel|Serial)GC' | head -1)
h0=$(heap); d0=$(sample netty_direct_memory_used_bytes)
ip netns exec "$V6" python3 "$ROOT/bench/results/blackbox15/flood6.py" "$PEERS" "$PACKETS" "$SIZE"
t0=$(date +%s.%N)
peers0=$(sample jmiredo_peers_queued); charged0=$(sample jmiredo_peer_queues_bytes || true)
h1=$(heap); d1=$(sample netty_direct_memory_used_bytes)
queued=$(sample jmiredo_queued_packets_total); peers=$(sample jmiredo_peers_queued)
charged=$(sample jmiredo_peer_queues_bytes || true); gone=$(sample jmiredo_peer_queue_discarded_packets_total)
t1=$(date +%s.%N)
echo "measured in $(echo "$t1 - $t0" | bc) s after the flood; queued peers $peers0 -> $peers, charged ${charged0:-?} -> ${charged:-?}, discarded $gone"
[[ "$peers0" == "$peers" ]] || echo "WARNING: queues were released while measuring"
length=$((SIZE + 48))
if [[ -z "$charged" ]]; then
    charged=$(((queued - gone) * (length > 128 ? length : 128))); how="main's charge"
else
    how="jmiredo_peer_queues_bytes"
fi
echo "heap $h0 -> $h1, direct $d0 -> $d1, queued packets $queued, peers $peers, charged $charged ($how)"
awk -v jar="$(basename "$JAR")" -v gc="$gc" -v len="$length" -v q="$queued" -v p="$peers" -v h="$((h1 - h0))" \
    -v d="$((d1 - d0))" -v c="$charged" 'BEGIN {
    printf "%s %s %d-byte packets: %d queued at %d peers; heap +%.1f MB (%.0f B/packet), direct +%.1f MB (%.0f B/packet); real %.1f MB, charged %.1f MB; real/charged %.3f\n",
        jar, gc, len, q, p, h / 1e6, h / q, d / 1e6, d / q, (h + d) / 1e6, c / 1e6, (h + d) / c }'
