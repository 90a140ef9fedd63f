# sourced: throw-away namespace $NS with 198.51.100.3, config $JMD/relay.conf; JM_PREFIX (default jmstartup4) names
# both, so that another helper's runs use their own (startup5's: JM_PREFIX=jmstartup5)
JMP=${JM_PREFIX:-jmstartup4}
JMD=/tmp/$JMP
mkdir -p $JMD
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
NS=$JMP-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
trap 'ip netns del $NS 2>/dev/null; true' EXIT
ip netns add "$NS"; ip -n "$NS" link set lo up
ip -n "$NS" link add d0 type veth peer name d1; ip -n "$NS" link set d1 up
ip -n "$NS" addr add 198.51.100.3/24 dev d0; ip -n "$NS" link set d0 up
printf '%s\n' 'jmiredo.relay.bind-address = "198.51.100.3"' 'jmiredo.relay.bind-port = 3545' 'jmiredo.tun.name = "teredo"' \
    'jmiredo.metrics.listen = "127.0.0.1:9544"' 'jmiredo.transport.event-loops = 1' >$JMD/relay.conf
