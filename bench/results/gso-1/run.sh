#!/usr/bin/env bash
# UDP GSO (helper gso): main's jar (/work/wt/base) against this branch with transport.udp-gso = auto and
# = off, alternating, our relay only, everything in one run under the bench lock:
#   flock /tmp/jmiredo-bench.lock bench/results/gso-1/run.sh > bench/results/gso-1/out.txt 2>&1
# 1) IPv6->Teredo to one peer, 80 and 1280 B, at 100,000 pkt/s and at saturation (3 rounds);
# 2) IPv6->Teredo at 100,000 peers, 80 B (2 rounds: runs of one destination are rare there);
# 3) the handshake, cold, then warm (WARM_PEERS), each variant twice.
set -u
new=$(cd "$(dirname "$0")/../../.." && pwd)
res=$new/bench/results/gso-1
off="jmiredo.transport.udp-gso = off"
point() { # tree label conf-extra; the rest: compare.sh variables
    local tree=$1 label=$2 extra=$3; shift 3
    echo "##### $label $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$tree" && env RESULTS="$res" RELAYS=jmiredo RUNS=1 DURATION=5 NO_MD=1 JM_CONF_EXTRA="$extra" "$@" \
        bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|jmiredo.jar")
}
for round in 1 2 3; do
    point /work/wt/base base "" PEERS=1 SIZES="80 1280" DIRS=i2t RATES="100000 0"
    point "$new" gso "" PEERS=1 SIZES="80 1280" DIRS=i2t RATES="100000 0"
    point "$new" off "$off" PEERS=1 SIZES="80 1280" DIRS=i2t RATES="100000 0"
done
for round in 1 2; do
    point /work/wt/base base "" PEERS=100000 SIZES=80 DIRS=i2t RATES="100000 0"
    point "$new" gso "" PEERS=100000 SIZES=80 DIRS=i2t RATES="100000 0"
done
cd "$new" || exit 1
for warm in "" 20000; do
    echo "##### handshake warm=${warm:-0} $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    RESULTS="$res" PEERS=100000 PRIME_RATE=100000 REPEAT=2 WARM_PEERS=$warm \
        RELAYS="jmiredo@base jmiredo@gso jmiredo@off" JAR_base=/work/wt/base/relay-server/target/jmiredo.jar \
        CONF_off="$off" bench/handshake.sh 2>&1 | tail -40
done
