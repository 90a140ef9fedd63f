# Manual acceptance lab of helper review16 (LAB.md topology, prefix jmrv-); see acceptance.md.
# source me. Manual lab: prefix jmrv-
P=${P:-jmrv-}
HUB=${P}hub SRV=${P}srv RLY=${P}rly V6=${P}v6 NAT=${P}nat LAN=${P}lan CLI=${P}cli
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
JAR=${JAR:-relay-server/target/jmiredo.jar}
nsx() { ip netns exec "$@"; }
lab_up() {
  for ns in $HUB $SRV $RLY $V6 $NAT $LAN $CLI; do
    ip netns add $ns; ip -n $ns link set lo up
    nsx $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  done
  ip -n $HUB link add br4 type bridge; ip -n $HUB link add br6 type bridge; ip -n $HUB link add brl type bridge
  for b in br4 br6 brl; do ip -n $HUB link set $b up; done
  link() { # hubname ns ifname bridge
    ip -n $HUB link add $1 type veth peer name $3 netns $2
    ip -n $HUB link set $1 master $4 up; ip -n $2 link set $3 up; }
  link s4 $SRV e4 br4; link s6 $SRV e6 br6
  link r4 $RLY e4 br4; link r6 $RLY e6 br6
  link v6 $V6 e6 br6
  link n4 $NAT e4 br4; link nl $NAT el brl
  link l1 $LAN el brl
  link c4 $CLI e4 br4
  ip -n $SRV addr add 198.51.100.1/24 dev e4; ip -n $SRV addr add 198.51.100.2/24 dev e4
  ip -n $SRV -6 addr add 2001:db8:6::10/64 dev e6 nodad; ip -n $SRV -6 route add 2001::/32 via 2001:db8:6::3
  ip -n $RLY addr add 198.51.100.3/24 dev e4; ip -n $RLY -6 addr add 2001:db8:6::3/64 dev e6 nodad
  nsx $RLY sysctl -qw net.ipv6.conf.all.forwarding=1
  ip -n $V6 -6 addr add 2001:db8:6::20/64 dev e6 nodad; ip -n $V6 -6 route add 2001::/32 via 2001:db8:6::3
  ip -n $NAT addr add 198.51.100.20/24 dev e4; ip -n $NAT addr add 192.168.77.1/24 dev el
  nsx $NAT sysctl -qw net.ipv4.ip_forward=1
  nsx $NAT iptables -t nat -A POSTROUTING -o e4 -j MASQUERADE
  ip -n $LAN addr add 192.168.77.2/24 dev el; ip -n $LAN route add default via 192.168.77.1
  ip -n $CLI addr add 198.51.100.10/24 dev e4
}
lab_down() {
  for ns in $HUB $SRV $RLY $V6 $NAT $LAN $CLI; do
    for pid in $(ip netns pids $ns 2>/dev/null); do kill -9 $pid 2>/dev/null; done
    ip netns del $ns 2>/dev/null
  done
}
# run miredo with private /var/run: miredo_run NS CONF LOG [prog]
miredo_run() { local ns=$1 conf=$2 log=$3 prog=${4:-miredo}
  nsx $ns unshare -m sh -c "mount -t tmpfs none /var/run && mkdir -p /var/run/miredo && exec $prog -f -c $conf -u nobody" >$log 2>&1 &
  echo $!; }
