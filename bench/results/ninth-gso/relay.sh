#!/usr/bin/env bash
# Helper perf9: our relay only, IPv6->Teredo, 80 B, at 100,000 pkt/s and at saturation, alternating in one lock
# session: "main" = main's jar (/work/wt/base, 367b338, transport.udp-gso = auto), "off" = the same jar with
# udp-gso = off, "new" = this branch (auto). 100,000 peers (no runs: what the grouping costs), then one peer
# (runs of up to 64: the GSO gain must stay). LAB_NICE=-10: other helpers' tests share the 2 cores.
#   flock /tmp/jmiredo-bench.lock bench/results/ninth-gso/relay.sh > bench/results/ninth-gso/relay.txt 2>&1
set -u
new=$(cd "$(dirname "$0")/../../.." && pwd)
res=$(cd "$(dirname "$0")" && pwd)
run() { # variant, then compare.sh variables
    local variant=$1 tree=/work/wt/base extra=(); shift
    [[ $variant == new ]] && tree=$new
    [[ $variant == off ]] && extra=(JM_CONF_EXTRA="jmiredo.transport.udp-gso = off")
    echo "##### $variant $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$tree" && env RESULTS="$res" LAB_NICE=-10 RELAYS=jmiredo RUNS=1 DURATION=5 NO_MD=1 DIRS=i2t RATES="100000 0" \
        SIZES=80 "${extra[@]}" "$@" bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results|jmiredo.jar")
}
for variant in ${ORDER100K:-main new off off new main}; do
    run "$variant" PEERS=100000
done
for variant in ${ORDER1:-main new new main}; do
    run "$variant" PEERS=1
done
