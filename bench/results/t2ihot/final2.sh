#!/bin/bash
# A second closing run of ours against Miredo, Miredo first this time (final.sh ran ours first):
#   flock -w 900 /tmp/jmiredo-bench.lock bash bench/results/t2ihot/final2.sh > bench/results/t2ihot/final2.txt 2>&1
set -uo pipefail
echo "##### compare against miredo $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
RELAYS="miredo jmiredo" PEERS=100000 SIZES="80 1280" DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 \
    bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|ceiling|udp-sink|^== run"
echo "##### end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
