#!/usr/bin/env bash
# wire17: what a relay sends towards a victim whose IPv4 mapping a stranger forges as the outer source of Teredo
# packets whose Teredo source embeds it: ours with the default relay.unknown-peers = accept-matching, ours with
# drop (Miredo's rule), Debian's Miredo. In bench/lab.sh's lab (namespaces jmwire-*; the victim 198.51.100.77 is an
# address of gen, where nft counts and drops what reaches it). From the repository root, as root:
#   flock /tmp/jmiredo-bench.lock bench/results/wire17/spoof_cases.sh [COUNT] [RATE] > bench/results/wire17/spoof.txt
# RELAYS and KINDS pick a subset, e.g. RELAYS=jmiredo KINDS=hoplimit1 ... 20000 10000 > spoof-cap.txt
set -euo pipefail
COUNT=${1:-2000}; RATE=${2:-1000}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
export LAB_PREFIX=jmwire-$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
source "$ROOT/bench/lab.sh"
bench_setup spoof_cases.sh wire17
lab_up
ip -n "$GEN" addr add 198.51.100.77/24 dev veth0
ip netns exec "$GEN" nft -f - <<'NFT'
table ip w17 {
  counter victim { }
  chain in { type filter hook prerouting priority -300; ip daddr 198.51.100.77 udp dport 5555 counter name "victim" drop; }
}
NFT
ip netns exec "$RLY" nft -f - <<'NFT'
table ip w17 {
  counter relayin { }
  chain in { type filter hook input priority 0; udp dport 3545 counter name "relayin"; }
}
NFT
DIR=$(mktemp -d /tmp/wire17.XXXXXX)
cnt() { ip netns exec "$1" nft list counter ip w17 "$2" | awk '/packets/ { print $2, $4 }'; }
for relay in ${RELAYS:-jmiredo jmiredo-drop miredo}; do
    case $relay in
        jmiredo) JM_CONF_EXTRA= relay_start_jmiredo "$DIR" ;;
        jmiredo-drop) JM_CONF_EXTRA='jmiredo.relay.unknown-peers = drop' relay_start_jmiredo "$DIR" ;;
        miredo) relay_start_miredo "$DIR" ;;
    esac
    sleep 1
    for kind in ${KINDS:-hoplimit1 relayping ping}; do
        ip netns exec "$GEN" nft reset counters table ip w17 >/dev/null
        ip netns exec "$RLY" nft reset counters table ip w17 >/dev/null
        sent=$(ip netns exec "$GEN" python3 "$HERE/spoof.py" 198.51.100.3 3545 198.51.100.77 5555 "$COUNT" "$RATE" "$kind")
        sleep 1
        read -r pin bin < <(cnt "$RLY" relayin); read -r pout bout < <(cnt "$GEN" victim)
        printf 'relay=%s kind=%s relay_in=%s pkts/%s B victim_got=%s pkts/%s B ratio_bytes=%s (%s)\n' "$relay" "$kind" \
            "$pin" "$bin" "$pout" "$bout" "$(echo "scale=3; $bout / $bin" | bc)" "$sent"
    done
    relay_stop
    sleep 1
done
rm -rf "$DIR"
