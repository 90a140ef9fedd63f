#!/bin/sh
# jmiredo-notrack: keep the Teredo relay's traffic out of the host's netfilter connection tracking.
#
# Where conntrack is active in the relay's network namespace (Docker's iptables rules, a firewalld or
# nftables stateful ruleset, any NAT rule), every relay<->peer UDP flow and every IPv6 flow forwarded
# through the tunnel takes a conntrack entry: two or more per peer. At a few hundred thousand peers the
# table (net.netfilter.nf_conntrack_max) is full and the kernel drops the first packet of every new flow
# ("nf_conntrack: table full, dropping packet"), where neither the relay's counters nor its health see it
# (README "Connection tracking", BENCHMARKS.md "Twelfth iteration: connection tracking").
# A relay needs no state of the kernel's: these rules, in the raw hook (before conntrack), mark
#   IPv4 UDP to and from the relay's port, and IPv6 from the tunnel and to the Teredo prefix
# as untracked. A stateful firewall must then accept them: `ct state untracked accept` (nft) or
# `-m conntrack --ctstate UNTRACKED -j ACCEPT` (iptables) in INPUT and FORWARD, before its final drop.
#
#   jmiredo-notrack.sh add    [--port 3544] [--prefix 2001::/32] [--interface teredo] [--backend nft|iptables]
#                             --port takes a comma-separated list of up to 15 ports (mire: 3544,3545)
#   jmiredo-notrack.sh delete [--backend nft|iptables]   removes every rule add installed, whatever its options
#   jmiredo-notrack.sh show   [same options]    prints the installed rules; exit 1 if there are none
#
# The backend defaults to nft when the nft command exists, else iptables/ip6tables (either of their
# back ends). `add` is idempotent (it replaces its own rules), so it fits ExecStartPre=+ of the systemd
# unit, and `delete` ExecStopPost=+. The nft form is one table, `inet jmiredo_notrack`; the iptables form
# is rules in the raw table's PREROUTING and OUTPUT chains with the comment "jmiredo-notrack".
# Not for a relay whose own UDP is NATed on this host (relay.type = restricted behind a local
# MASQUERADE): NAT needs conntrack. Needs root (CAP_NET_ADMIN).
set -eu

action=${1:-}
[ $# -gt 0 ] && shift
port=3544
prefix=2001::/32
interface=teredo
backend=
while [ $# -gt 0 ]; do
    case $1 in
        --port) port=$2 ;;
        --prefix) prefix=$2 ;;
        --interface) interface=$2 ;;
        --backend) backend=$2 ;;
        *) echo "jmiredo-notrack: unknown option $1" >&2; exit 2 ;;
    esac
    [ $# -ge 2 ] || { echo "jmiredo-notrack: $1 needs a value" >&2; exit 2; }
    shift 2
done
case $port in ''|,*|*,|*,,*|*[!0-9,]*) echo "jmiredo-notrack: --port must be a port or a comma-separated list of ports (3544,3545)" >&2; exit 2 ;; esac
[ "$(echo "$port" | tr -cd , | wc -c)" -lt 15 ] || { echo "jmiredo-notrack: --port takes at most 15 ports" >&2; exit 2; }
case $prefix in *:*/*) ;; *) echo "jmiredo-notrack: --prefix must be an IPv6 prefix (2001::/32)" >&2; exit 2 ;; esac
if [ -z "$backend" ]; then
    if command -v nft >/dev/null 2>&1; then backend=nft; else backend=iptables; fi
fi

TABLE=jmiredo_notrack
COMMENT=jmiredo-notrack

nft_add() {
    # Created, emptied and filled in one transaction: no moment without the rules, no duplicates.
    nft -f - <<EOF
table inet $TABLE
delete table inet $TABLE
table inet $TABLE {
    chain prerouting {
        type filter hook prerouting priority raw; policy accept;
        meta nfproto ipv4 udp dport { $port } notrack comment "peers and servers to the relay"
        iifname "$interface" notrack comment "Teredo to IPv6, forwarded"
        ip6 daddr $prefix notrack comment "IPv6 to Teredo, forwarded into the tunnel"
    }
    chain output {
        type filter hook output priority raw; policy accept;
        meta nfproto ipv4 udp sport { $port } notrack comment "the relay to peers and servers"
        ip6 daddr $prefix notrack comment "the host's own packets into the tunnel"
    }
}
EOF
}

nft_delete() {
    if nft list table inet $TABLE >/dev/null 2>&1; then nft delete table inet $TABLE; fi
}

nft_show() {
    nft list table inet $TABLE 2>/dev/null
}

# The raw-table rules of one family: "CHAIN MATCH..." lines, each with the comment and -j CT --notrack.
ipt_rules() {
    case $1 in
        iptables)
            echo "PREROUTING -p udp -m multiport --dports $port"
            echo "OUTPUT -p udp -m multiport --sports $port" ;;
        ip6tables)
            echo "PREROUTING -i $interface"
            echo "PREROUTING -d $prefix"
            echo "OUTPUT -d $prefix" ;;
    esac
}

# Removes every rule of ours from the raw table, whatever port, prefix or interface it was added with.
ipt_delete() {
    tool=$1
    for chain in PREROUTING OUTPUT; do
        $tool -w -t raw -S $chain | grep -e "--comment \"\{0,1\}$COMMENT\"\{0,1\} " | sed 's/^-A //' \
            | while read -r rule; do
                # shellcheck disable=SC2086
                eval "$tool -w -t raw -D $rule"
            done
    done
}

ipt_add() {
    tool=$1
    ipt_delete "$tool"
    ipt_rules "$tool" | while read -r chain match; do
        # shellcheck disable=SC2086
        $tool -w -t raw -I $chain $match -m comment --comment $COMMENT -j CT --notrack
    done
}

ipt_show() {
    found=1
    for tool in iptables ip6tables; do
        if $tool -w -t raw -S | grep -e "--comment \"\\{0,1\\}$COMMENT"; then found=0; fi
    done
    return $found
}

case $backend:$action in
    nft:add) nft_add ;;
    nft:delete) nft_delete ;;
    nft:show) nft_show ;;
    iptables:add) ipt_add iptables; ipt_add ip6tables ;;
    iptables:delete) ipt_delete iptables; ipt_delete ip6tables ;;
    iptables:show) ipt_show ;;
    *:add|*:delete|*:show) echo "jmiredo-notrack: --backend must be nft or iptables" >&2; exit 2 ;;
    *) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
