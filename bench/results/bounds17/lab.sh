# bounds17: the lab the scripts here share (as blackbox17b's lab.sh), sourced with NS set to the host names besides
# hub: one namespace per host (prefix jmbnd-, random per run) with eth e4 on bridge br4 in hub, and a work directory
# W. LAB.md rules: only our own namespaces, documentation ranges, nothing routed out; everything removed on exit,
# also on failure.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
export JMIREDO_AOT_CACHE=off
P=jmbnd-$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
W=$(mktemp -d /tmp/bounds17.XXXXXX)
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
