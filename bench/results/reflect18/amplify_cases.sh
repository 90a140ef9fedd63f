#!/usr/bin/env bash
# reflect18: bytes reaching a victim per forged byte when a stranger forges the victim's IPv4 mapping as the outer
# source of Teredo datagrams whose source address embeds it, each carrying a small UDP request to a native service
# that answers with about 10 times the bytes (amplifier.py on the native host). Relays, one after another in the
# same lab: our relay before this change (OLD_JAR), after it (the tree's jar), after it with
# relay.unknown-peers = drop, and Debian's Miredo. In bench/lab.sh's lab (namespaces jmrefl-*; the victim
# 198.51.100.77:5555 is an address of gen, where nft counts and drops what reaches it; the server address the
# forged sources name, 198.51.100.1, is gen's too, and nft counts the bubbles to it). Ratios are of IPv4 bytes. From the repository root, as root:
#   OLD_JAR=/path/to/old/jmiredo.jar flock /tmp/jmiredo-bench.lock bench/results/reflect18/amplify_cases.sh \
#       [COUNT] [RATE] > bench/results/reflect18/amplify.txt
set -euo pipefail
COUNT=${1:-2000}; RATE=${2:-1000}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
export LAB_PREFIX=jmrefl-$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
source "$ROOT/bench/lab.sh"
bench_setup amplify_cases.sh reflect18
[[ -n "${OLD_JAR:-}" ]] && cp "$OLD_JAR" "$PIN/old.jar"
NEW_JAR=$JMIREDO_JAR
lab_up
ip -n "$GEN" addr add 198.51.100.77/24 dev veth0
ip netns exec "$GEN" nft -f - <<'NFT'
table ip r18 {
  counter victim { }
  counter bubbles { }
  chain in { type filter hook prerouting priority -350;
    ip daddr 198.51.100.77 udp dport 5555 counter name "victim" drop;
    ip daddr 198.51.100.1 udp dport 3544 counter name "bubbles"; }
}
NFT
DIR=$(mktemp -d /tmp/reflect18.XXXXXX)
ip netns exec "$V6" python3 "$HERE/amplifier.py" 2001:db8:6::20 7777 22 3600 &
AMP=$!
trap 'kill $AMP 2>/dev/null || true; lab_down; rm -rf "$PIN" "$DIR"' EXIT
cnt() { ip netns exec "$1" nft list counter ip r18 "$2" | awk '/packets/ { print $2, $4 }'; }
for relay in ${RELAYS:-jmiredo-old jmiredo-new jmiredo-new-drop miredo}; do
    case $relay in
        jmiredo-old) [[ -f "$PIN/old.jar" ]] || continue; JMIREDO_JAR=$PIN/old.jar JM_CONF_EXTRA= relay_start_jmiredo "$DIR" ;;
        jmiredo-new) JMIREDO_JAR=$NEW_JAR JM_CONF_EXTRA= relay_start_jmiredo "$DIR" ;;
        jmiredo-new-drop) JMIREDO_JAR=$NEW_JAR JM_CONF_EXTRA='jmiredo.relay.unknown-peers = drop' relay_start_jmiredo "$DIR" ;;
        miredo) relay_start_miredo "$DIR" ;;
    esac
    sleep 1
    for per in ${PER_SOURCE:-1 4}; do
        ip netns exec "$GEN" nft reset counters table ip r18 >/dev/null
        # Its first line: datagrams and IPv4 bytes forged (what reaches the relay: one bridge, nothing else on it).
        sent=$(ip netns exec "$GEN" python3 "$HERE/forge.py" 198.51.100.3 3545 198.51.100.77 5555 "$COUNT" "$RATE" "$per")
        read -r pin bin _ <<<"$sent"
        sleep 2
        read -r pout bout < <(cnt "$GEN" victim)
        read -r pbub bbub < <(cnt "$GEN" bubbles)
        printf 'relay=%s per_source=%s forged=%s pkts/%s B victim_got=%s pkts/%s B ratio_bytes=%s bubbles_to_server=%s pkts/%s B (%s)\n' \
            "$relay" "$per" "$pin" "$bin" "$pout" "$bout" "$(echo "scale=3; $bout / $bin" | bc)" "$pbub" "$bbub" "${sent#* * }"
    done
    relay_stop
    sleep 1
done
