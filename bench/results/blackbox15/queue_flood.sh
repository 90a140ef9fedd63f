#!/usr/bin/env bash
# blackbox15: the relay under a flood of packets from the native side to PEERS Teredo addresses that never
# answer, PACKETS back to back each (bench lab of bench/lab.sh; LAB.md rules, all removed on exit).
#   sudo bench/results/blackbox15/queue_flood.sh JAR [PEERS PACKETS SIZE LOOPS]   (from the repository root)
# Prints the relay's RSS, direct memory, peers, queued peers and counters before and after the flood, then
# each 2 s for 12 s and each 10 s until the entries expire (peers.idle-timeout 60 s), and the log lines
# above DEBUG.
set -euo pipefail
JAR=$(realpath "$1"); PEERS=${2:-20000} PACKETS=${3:-40} SIZE=${4:-8} JM_LOOPS=${5:-1}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
source "$ROOT/bench/lab.sh"
bench_setup queue_flood blackbox15
cp "$JAR" "$PIN/jmiredo.jar"
export JM_LOOPS
W=$(mktemp -d /tmp/queue_flood.XXXXXX)
trap 'lab_down; rm -rf "$PIN" "$W"' EXIT
lab_up
relay_start_jmiredo "$W"
m() { ip netns exec "$RLY" curl -s 127.0.0.1:9544/metrics; }
show() {
    local pid rss
    pid=$(relay_pids | cut -d, -f1)
    rss=$(awk '/VmRSS/ {print $2}' /proc/"$pid"/status)
    echo "== $1 ($(date +%T)): RSS ${rss} kB"
    m | grep -E '^(jmiredo_peers |jmiredo_peers_queued|jmiredo_queued_packets_total|jmiredo_peer_queue_discarded|jmiredo_queue_released|jmiredo_tun_read_packets_total|jmiredo_dropped_packets_total|jmiredo_bubbles_sent_total|jmiredo_bubbles_rate_limited|jmiredo_icmp_errors|jmiredo_peer_expirations|jmiredo_peer_evictions|netty_direct_memory_used_bytes|jmiredo_udp_sent_packets_total)' \
        | grep -v ' 0.0$' || true
}
sleep 8  # the warm-up
show before
start=$(date +%s.%N)
ip netns exec "$V6" python3 "$ROOT/bench/results/blackbox15/flood6.py" "$PEERS" "$PACKETS" "$SIZE"
echo "flood took $(echo "$(date +%s.%N) - $start" | bc) s"
show "after flood"
for t in 2 4 6 8 10 12; do sleep 2; show "flood + ${t}s"; done
for t in 20 30 40 50 60 70 80 90; do sleep 10; show "flood + ${t}s"; done
echo "== log lines above DEBUG: $(grep -vc ' DEBUG ' "$W/jmiredo.log" || true)"; tail -5 "$W/jmiredo.log"
