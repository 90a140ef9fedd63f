# shellcheck shell=bash
# topo17: the lab the scripts here share (sourced). Namespaces jmtopo-<4 hex>-<host>: hub holds the bridges br4 (IPv4
# "Internet" 198.51.100.0/24), br6 (native IPv6 2001:db8:6::/64), bl1 (nat1's LAN 192.168.77.0/24: la .2, lb .3),
# bl2 (between the outer NAT "cgn" and the home NAT "hn": 192.168.80.0/24) and bl3 (hn's LAN 192.168.79.0/24: ld .2).
# srv runs Debian's miredo-server (198.51.100.1/.2), rly the relay under test (198.51.100.3, 2001:db8:6::3), v6 the
# native host 2001:db8:6::20. LAB.md rules: documentation ranges and 192.168/16 only, nothing routed out of the lab,
# everything (processes by pid, namespaces) removed on exit, also on failure.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
JAR=${JAR:-$ROOT/relay-server/target/jmiredo.jar}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
P=jmtopo-$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
W=$(mktemp -d /tmp/topo17.XXXXXX)
NS=(hub srv rly v6 nat1 la lb cgn hn ld)
NATIVE=2001:db8:6::20
lab_down() {
    local n
    for n in "${NS[@]}"; do ip netns pids "$P-$n" 2>/dev/null | xargs -r kill -9 2>/dev/null; done
    sleep 0.3
    for n in "${NS[@]}"; do ip netns del "$P-$n" 2>/dev/null; done
    rm -rf "$W"; return 0
}
trap lab_down EXIT; trap 'exit 130' INT TERM
x() { ip netns exec "$P-$1" "${@:2}"; }
link() { ip -n "$P-hub" link add "h-$1-$2" type veth peer name "$2" netns "$P-$1"
    ip -n "$P-hub" link set "h-$1-$2" master "$3" up; ip -n "$P-$1" link set "$2" up; }
for n in "${NS[@]}"; do
    ip netns add "$P-$n"; ip -n "$P-$n" link set lo up
    x "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
for b in br4 br6 bl1 bl2 bl3; do ip -n "$P-hub" link add $b type bridge; ip -n "$P-hub" link set $b up; done
link srv e4 br4; link srv e6 br6; link rly e4 br4; link rly e6 br6; link v6 e6 br6
link nat1 e4 br4; link nat1 el bl1; link la el bl1; link lb el bl1
link cgn e4 br4; link cgn el bl2; link hn e4 bl2; link hn el bl3; link ld el bl3
ip -n "$P-srv" addr add 198.51.100.1/24 dev e4; ip -n "$P-srv" addr add 198.51.100.2/24 dev e4
ip -n "$P-srv" -6 addr add 2001:db8:6::10/64 dev e6 nodad; ip -n "$P-srv" -6 route add 2001::/32 via 2001:db8:6::3
ip -n "$P-rly" addr add 198.51.100.3/24 dev e4; ip -n "$P-rly" -6 addr add 2001:db8:6::3/64 dev e6 nodad
x rly sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$P-v6" -6 addr add $NATIVE/64 dev e6 nodad; ip -n "$P-v6" -6 route add 2001::/32 via 2001:db8:6::3
ip -n "$P-nat1" addr add 198.51.100.20/24 dev e4; ip -n "$P-nat1" addr add 192.168.77.1/24 dev el
ip -n "$P-la" addr add 192.168.77.2/24 dev el; ip -n "$P-la" route add default via 192.168.77.1
ip -n "$P-lb" addr add 192.168.77.3/24 dev el; ip -n "$P-lb" route add default via 192.168.77.1
ip -n "$P-cgn" addr add 198.51.100.22/24 dev e4; ip -n "$P-cgn" addr add 192.168.80.1/24 dev el
ip -n "$P-hn" addr add 192.168.80.2/24 dev e4; ip -n "$P-hn" addr add 192.168.79.1/24 dev el
ip -n "$P-hn" route add default via 192.168.80.1
ip -n "$P-ld" addr add 192.168.79.2/24 dev el; ip -n "$P-ld" route add default via 192.168.79.1
for n in nat1 cgn hn; do x $n sysctl -qw net.ipv4.ip_forward=1; done

# nat1's behaviour for la (port 3546) and lb (3547): full (full cone: per-port SNAT+DNAT), restricted (full cone whose
# inbound is let through only from addresses the host sent to: iptables "recent"), port (Linux MASQUERADE: port
# preserving, inbound only from the exact address and port sent to), symmetric (MASQUERADE --random-fully).
nat1_mode() {
    x nat1 iptables -t nat -F; x nat1 iptables -F FORWARD
    x nat1 conntrack -F >/dev/null 2>&1 || true
    local h ip port
    case $1 in full|restricted)
        for h in "192.168.77.2 3546 la" "192.168.77.3 3547 lb"; do
            read -r ip port name <<<"$h"
            x nat1 iptables -t nat -A POSTROUTING -o e4 -p udp -s "$ip" --sport "$port" -j SNAT --to-source "198.51.100.20:$port"
            x nat1 iptables -t nat -A PREROUTING -i e4 -p udp --dport "$port" -j DNAT --to-destination "$ip:$port"
            if [[ $1 == restricted ]]; then
                x nat1 iptables -A FORWARD -i el -s "$ip" -m recent --name "$name" --rdest --set
                x nat1 iptables -A FORWARD -i e4 -d "$ip" -m recent --name "$name" --rsource --rcheck -j ACCEPT
                x nat1 iptables -A FORWARD -i e4 -d "$ip" -j DROP
            fi
        done;;
    esac
    case $1 in symmetric) x nat1 iptables -t nat -A POSTROUTING -o e4 -j MASQUERADE --random-fully;;
        *) x nat1 iptables -t nat -A POSTROUTING -o e4 -j MASQUERADE;; esac
}
# The double NAT: hn (home, port-restricted MASQUERADE) behind cgn, which is $1: symmetric or port.
double_mode() {
    x hn iptables -t nat -F; x cgn iptables -t nat -F
    x hn conntrack -F >/dev/null 2>&1 || true; x cgn conntrack -F >/dev/null 2>&1 || true
    x hn iptables -t nat -A POSTROUTING -o e4 -j MASQUERADE
    if [[ $1 == symmetric ]]; then x cgn iptables -t nat -A POSTROUTING -o e4 -j MASQUERADE --random-fully
    else x cgn iptables -t nat -A POSTROUTING -o e4 -j MASQUERADE; fi
}

private_run() { # NS LOG command...: Miredo's pid file needs a private /var/run per daemon (LAB.md)
    local n=$1 log=$2; shift 2
    setsid ip netns exec "$P-$n" unshare -m sh -c 'mount -t tmpfs none /var/run && mkdir -p /var/run/miredo && exec "$@"' sh "$@" \
        >"$log" 2>&1 </dev/null & disown
}
printf 'ServerBindAddress 198.51.100.1\nServerBindAddress2 198.51.100.2\n' >"$W/server.conf"
printf 'RelayType cone\nInterfaceName teredo\nBindAddress 198.51.100.3\nBindPort 3545\n' >"$W/miredo-relay.conf"
printf 'jmiredo.relay.bind-address = "198.51.100.3"\njmiredo.relay.bind-port = 3545\njmiredo.tun.name = "teredo"\njmiredo.metrics.listen = "127.0.0.1:9544"\n' >"$W/relay.conf"
private_run srv "$W/server.log" miredo-server -f -c "$W/server.conf" -u nobody

start_relay() { # jmiredo|miredo
    if [[ $1 == jmiredo ]]; then
        setsid ip netns exec "$P-rly" "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" relay --config "$W/relay.conf" \
            >>"$W/relay.log" 2>&1 </dev/null & disown
        local i; for i in $(seq 150); do x rly curl -sf -m1 127.0.0.1:9544/readyz >/dev/null && return 0; sleep 0.2; done
        echo "our relay not ready" >&2; return 1
    else
        private_run rly "$W/miredo-relay.log" miredo -f -c "$W/miredo-relay.conf" -u nobody
        local i; for i in $(seq 100); do
            ip -n "$P-rly" link show teredo >/dev/null 2>&1 && ip -n "$P-rly" -6 route replace 2001::/32 dev teredo 2>/dev/null && return 0
            sleep 0.1; done
        echo "miredo relay not up" >&2; return 1
    fi
}
stop_ns() { local p i; for p in $(ip netns pids "$P-$1"); do kill -9 "$p" 2>/dev/null; done
    for i in $(seq 50); do [[ -z "$(ip netns pids "$P-$1")" ]] && break; sleep 0.1; done; }
stop_relay() { stop_ns rly; ip -n "$P-rly" link del teredo 2>/dev/null; return 0; }
start_client() { # NS PORT
    printf 'RelayType client\nInterfaceName teredo\nServerAddress 198.51.100.1\nBindPort %s\n' "$2" >"$W/client-$1.conf"
    private_run "$1" "$W/client-$1.log" miredo -f -c "$W/client-$1.conf" -u nobody
}
teredo_addr() { ip -n "$P-$1" -6 addr show dev teredo 2>/dev/null | awk '/inet6 2001:0:/ { sub(/\/.*/, "", $2); print $2; exit }'; }
await_addr() { local i a; for i in $(seq 100); do a=$(teredo_addr "$1"); [[ -n $a ]] && { echo "$a"; return 0; }; sleep 0.2; done; return 1; }
# first_reply FILE T0: seconds from T0 to the first echo reply in a "ping -D" output
first_reply() { awk -v t0="$2" '/bytes from/ { gsub(/[\[\]]/, "", $1); printf "%.2f", $1 - t0; exit }' "$1"; }
received() { grep -o '[0-9]* received' "$1" | cut -d' ' -f1; }
