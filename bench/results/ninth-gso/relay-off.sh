#!/usr/bin/env bash
# Helper perf9: main's jar (/work/wt/base, 367b338) with transport.udp-gso = auto ("main") against the same jar with
# udp-gso = off ("off"): what the GSO grouping costs the relay where no run forms. 100,000 peers, IPv6->Teredo,
# 80 B, at 100,000 pkt/s and at saturation, ABBAAB.
#   flock /tmp/jmiredo-bench.lock bench/results/ninth-gso/relay-off.sh > bench/results/ninth-gso/relay-off.txt 2>&1
set -u
res=$(cd "$(dirname "$0")" && pwd)
run() { # variant, then compare.sh variables
    local variant=$1; shift
    echo "##### $variant $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd /work/wt/base && env RESULTS="$res" RELAYS=jmiredo RUNS=1 DURATION=5 NO_MD=1 DIRS=i2t RATES="100000 0" "$@" \
        bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|jmiredo.jar")
}
for variant in ${ORDER:-main off off main main off}; do
    extra=()
    [[ $variant == off ]] && extra=(JM_CONF_EXTRA="jmiredo.transport.udp-gso = off")
    run "$variant" PEERS=100000 SIZES=80 "${extra[@]}"
done
