# blackbox17b: the lab the scripts here share, sourced with NS set to the host names besides hub: one namespace per
# host (prefix jmbbb-, random per run) with eth e4 on bridge br4 in hub, and a work directory W. LAB.md rules: only
# our own namespaces, documentation ranges, nothing routed out; everything removed on exit, also on failure.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
export JMIREDO_AOT_CACHE=off
# LAB_PREFIX/LAB_WORK: another helper's own namespace prefix and work-directory name (bounds17's scripts).
P=${LAB_PREFIX:-jmbbb}-$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
W=$(mktemp -d "/tmp/${LAB_WORK:-blackbox17b}.XXXXXX")
lab_down() { # our namespaces' processes (only those), the namespaces, the work files
    for n in hub "${NS[@]}"; do
        ip netns pids "$P-$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
        ip netns del "$P-$n" 2>/dev/null
    done
    rm -rf "$W"; return 0
}
trap lab_down EXIT; trap 'exit 130' INT TERM
x() { ip netns exec "$P-$1" "${@:2}"; }
ip netns add "$P-hub"; ip -n "$P-hub" link set lo up
ip -n "$P-hub" link add br4 type bridge; ip -n "$P-hub" link set br4 up
for n in "${NS[@]}"; do
    ip netns add "$P-$n"; ip -n "$P-$n" link set lo up
    ip -n "$P-hub" link add "h-$n" type veth peer name e4 netns "$P-$n"
    ip -n "$P-hub" link set "h-$n" master br4 up; ip -n "$P-$n" link set e4 up
done
# The reflection lab (rs_reflection.sh, bounds17's forward_reflection.sh), with NS=(srv atk): the server's two
# addresses in srv, the sender's and a victim's in atk, and nft counters of UDP port 3544 in and out of srv.
reflection_lab() {
    ip -n "$P-srv" addr add 198.51.100.1/24 dev e4; ip -n "$P-srv" addr add 198.51.100.2/24 dev e4
    ip -n "$P-atk" addr add 198.51.100.66/24 dev e4; ip -n "$P-atk" addr add 198.51.100.77/24 dev e4
    x srv nft -f - <<'NFT'
table inet rs {
    counter cin { }
    counter cout { }
    chain in { type filter hook input priority 0; udp dport 3544 counter name "cin"; }
    chain out { type filter hook output priority 0; udp sport 3544 counter name "cout"; }
}
NFT
}
counter() { x srv nft list counter inet rs "$1" | awk '/packets/ { print $2, $4 }'; }
