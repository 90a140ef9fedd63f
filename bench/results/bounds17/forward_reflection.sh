#!/usr/bin/env bash
# bounds17: what a Teredo server forwards to the IPv4:port a Teredo destination embeds (RFC 4380 section 5.3.1 rules 5
# and 6; blackbox17b's rs_reflection.sh "bubble" row), old (main at ffbb2573) against new (this branch), alternating,
# ROUNDS rounds: bytes out of UDP port 3544 per byte in, counted by nft in the server's namespace (IP lengths), for the
# modes of fwd_send.py (one victim IPv4:port; one victim IPv4, any port; rule 5 from the sender's own mapping; 150
# victims). Both with their defaults; new also with forward-per-second = 1000 (the whole server's budget). LAB.md rules:
# namespaces jmbnd-*, documentation ranges, nothing routed out; all removed on exit. From the repository root, as root:
#   flock /tmp/jmiredo-bench.lock bench/results/bounds17/forward_reflection.sh OLD_ROOT [COUNT] [RATE] [ROUNDS]
set -euo pipefail
OLD=$1; COUNT=${2:-10000}; RATE=${3:-2000}; ROUNDS=${4:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
NS=(srv atk)
LAB_PREFIX=jmbnd LAB_WORK=bounds17 . "$HERE/../blackbox17b/lab.sh"
reflection_lab
printf 'jmiredo { server { primary-address = "198.51.100.1" }, metrics { listen = "127.0.0.1:9544" } }\n' >"$W/default.conf"
printf 'jmiredo { server { primary-address = "198.51.100.1", forward-per-second = 1000 }, metrics { listen = "127.0.0.1:9544" } }\n' >"$W/fps.conf"
run() { # NAME ROOT CONF MODES...
    local name=$1 root=$2 conf=$3; shift 3
    setsid ip netns exec "$P-srv" "$root/bin/jmiredo" server --config "$W/$conf" >"$W/$name.log" 2>&1 </dev/null &
    for _ in $(seq 150); do x srv curl -sf -m1 127.0.0.1:9544/readyz >/dev/null && break; sleep 0.2; done
    for mode in "$@"; do
        x srv nft reset counters table inet rs >/dev/null
        sent=$(x atk python3 "$HERE/fwd_send.py" 198.51.100.1 198.51.100.66 "$COUNT" "$RATE" 64 "$mode")
        sleep 1
        read -r pin bin < <(counter cin); read -r pout bout < <(counter cout)
        printf 'round=%s server=%s mode=%s in_packets=%s in_bytes=%s out_packets=%s out_bytes=%s bytes_out_per_byte_in=%s (%s)\n' \
            "$round" "$name" "$mode" "$pin" "$bin" "$pout" "$bout" "$(echo "scale=3; $bout / $bin" | bc)" "$sent"
    done
    x srv curl -sf -m2 127.0.0.1:9544/metrics | grep -E '^jmiredo_(dropped_packets_total\{reason="forward|server_forwarded_bubbles)' \
        | sed "s/^/round=$round server=$name /" || true
    for p in $(ip netns pids "$P-srv"); do kill "$p" 2>/dev/null || true; done
    for _ in $(seq 50); do [[ -z "$(ip netns pids "$P-srv")" ]] && break; sleep 0.1; done
}
for round in $(seq "$ROUNDS"); do
    run old "$OLD" default.conf one ports rule5 spread
    run new "$ROOT" default.conf one ports rule5 spread
done
round=1 run new-fps1000 "$ROOT" fps.conf spread
