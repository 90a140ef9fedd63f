#!/usr/bin/env bash
# wire17: odd and hostile packets at a relay (ours, then Debian's Miredo in the same place), in bench/lab.sh's lab
# (namespaces jmwire-*, documentation ranges, nothing routed out, all removed on exit). From the repository root,
# as root, after building relay-server:  flock /tmp/jmiredo-bench.lock bench/results/wire17/relay_cases.sh
# Writes relay-<which>.txt here: what came back to the sender, the relay's UDP and IPv6 output (tcpdump), and for
# ours the drop counters.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
export LAB_PREFIX=jmwire-$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
source "$ROOT/bench/lab.sh"
bench_setup relay_cases.sh wire17
OUT=$HERE
lab_up
DIR=$(mktemp -d /tmp/wire17.XXXXXX)
run() {
    local which=$1 f=$HERE/relay-$1.txt
    "relay_start_$which" "$DIR"
    sleep 1
    ip netns exec "$RLY" tcpdump -nn -l -i any -Q out '(udp and not port 9544) or (ip6 and not udp)' >"$DIR/$which.cap" 2>/dev/null &
    local dump=$!
    sleep 1
    {
        echo "## $which: Teredo side (from gen 198.51.100.2:40000, a source embedding that mapping)"
        ip netns exec "$GEN" python3 "$HERE/craft.py" teredo 198.51.100.3 3545 198.51.100.2 40000
        echo "## $which: native side (from v6)"
        ip netns exec "$V6" python3 "$HERE/craft.py" native
        sleep 3
        echo "## $which: 200 echo requests of 1400 bytes to the trusted peer (tunnel MTU 1280)"
        ip netns exec "$V6" nft -f - <<'NFT'
table ip6 w17 {
  counter ptb { }
  chain in { type filter hook input priority 0; icmpv6 type packet-too-big counter name "ptb"; }
}
NFT
        ip netns exec "$V6" python3 "$HERE/craft.py" oversize 200 1400
        sleep 1
        echo "packet too big received by v6: $(ip netns exec "$V6" nft list counter ip6 w17 ptb | awk '/packets/ {print $2}')"
        ip netns exec "$V6" nft delete table ip6 w17
        sleep 2
        kill "$dump"; wait "$dump" 2>/dev/null || true
        echo "## $which: everything the relay's namespace sent (tcpdump -Q out), by destination"
        grep -v ICMP6 "$DIR/$which.cap" | sed 's/^[0-9:.]* //' | sort | uniq -c | sort -rn | head -60
        grep ICMP6 "$DIR/$which.cap" | sed 's/^[0-9:.]* //' | sort | uniq -c | sort -rn | head -40
        if [[ $which == jmiredo ]]; then
            echo "## $which: metrics"
            ip netns exec "$RLY" curl -s 127.0.0.1:9544/metrics | grep -v '^#' | grep -E 'dropped|bubbles|icmp|udp_sent|tun_' | grep -v ' 0$' | grep -v ' 0.0$'
        fi
    } >"$f" 2>&1
    relay_stop
    sleep 1
}
run jmiredo
run miredo
rm -rf "$DIR"
