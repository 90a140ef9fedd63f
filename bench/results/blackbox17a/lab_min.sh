#!/bin/bash
# One namespace for the relay alone (metrics endpoint tests): a dummy link with the relay's address and
# 198.51.100.50-.69 as extra local sources. LAB.md rules: documentation ranges, nothing routed out.
#   lab_min.sh up NS | down NS
set -e
ns=${2:-jmbba-m}
case $1 in
up)
  ip netns add $ns
  ip -n $ns link set lo up
  ip -n $ns link add d0 type veth peer name d0p
  ip -n $ns link set d0p up
  ip -n $ns link set d0 up
  ip -n $ns addr add 198.51.100.3/24 dev d0
  for i in $(seq 50 69); do ip -n $ns addr add 198.51.100.$i/24 dev d0; done
  ip -n $ns -6 addr add 2001:db8:6::3/64 dev d0 nodad
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.forwarding=1
  ;;
down) ip netns del $ns ;;
esac
