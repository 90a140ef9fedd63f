source <(sed 's/^/export /' /tmp/bb16-info)
X() { ns=$1; shift; ip netns exec $ns "$@"; }
M() { ip netns exec $rly curl -s 127.0.0.1:9544/metrics | grep -v '^#' | grep "${1:-jmiredo}"; }
