#!/usr/bin/env bash
# Teredo->IPv6 at 100,000 pkt/s only, 3 pairs (the one point where datapath.txt showed the new jar 1.10 to 1.14x
# the CPU per packet):
#   flock /tmp/jmiredo-bench.lock bench/results/startup-under-load/datapath-t2i.sh > .../datapath-t2i.txt 2>&1
DIRS=t2i RATES=100000 ROUNDS=${ROUNDS:-3} exec "$(dirname "$0")/datapath.sh"
