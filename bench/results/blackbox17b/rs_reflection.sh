#!/usr/bin/env bash
# blackbox17b: what a Teredo server reflects towards the source of Router Solicitations (spoofed, in an attack):
# bytes out of UDP port 3544 per byte in, for our server (default ra-per-destination = 20, and 0 = Miredo's
# behaviour) and Debian's miredo-server, RSs with and without the authentication header, from 64 ports of one
# address; and bubbles from a native source to a Teredo address of the server's that embeds another host's mapping
# (rule 6: forwarded there with an origin indication, whoever sent it). Counted by nft in the server's namespace (IP lengths). LAB.md rules: namespaces jmbbb-*, documentation
# ranges, nothing routed out; all removed on exit. From the repository root, as root:
#   flock /tmp/jmiredo-bench.lock bench/results/blackbox17b/rs_reflection.sh [COUNT] [RATE]
set -euo pipefail
COUNT=${1:-10000}; RATE=${2:-2000}
HERE=$(cd "$(dirname "$0")" && pwd)
NS=(srv atk)
. "$(dirname "$0")/lab.sh"
reflection_lab
printf 'jmiredo { server { primary-address = "198.51.100.1", ra-per-destination = %s }, metrics { listen = "127.0.0.1:9544" } }\n' 20 >"$W/server-20.conf"
printf 'jmiredo { server { primary-address = "198.51.100.1", ra-per-destination = %s }, metrics { listen = "127.0.0.1:9544" } }\n' 0 >"$W/server-0.conf"
printf 'ServerBindAddress 198.51.100.1\nServerBindAddress2 198.51.100.2\n' >"$W/miredo-server.conf"
for server in jmiredo-20 jmiredo-0 miredo; do
    case $server in
        jmiredo-*) setsid ip netns exec "$P-srv" "$ROOT/bin/jmiredo" server --config "$W/server-${server#jmiredo-}.conf" \
                       >"$W/$server.log" 2>&1 </dev/null &
                   for _ in $(seq 100); do x srv curl -sf -m1 127.0.0.1:9544/readyz >/dev/null && break; sleep 0.2; done ;;
        miredo) setsid ip netns exec "$P-srv" unshare -m sh -c 'mount -t tmpfs none /var/run && exec miredo-server -f -c "$1" -u nobody' \
                    sh "$W/miredo-server.conf" >"$W/$server.log" 2>&1 </dev/null &
                for _ in $(seq 50); do x srv ss -uln | grep -q '198.51.100.2:3544' && break; sleep 0.1; done ;;
    esac
    for auth in auth noauth bubble; do
        x srv nft reset counters table inet rs >/dev/null
        sent=$(x atk python3 "$HERE/rs_send.py" 198.51.100.1 198.51.100.66 "$COUNT" "$RATE" 64 "$auth")
        sleep 1
        read -r pin bin < <(counter cin); read -r pout bout < <(counter cout)
        printf 'server=%s rs=%s in_packets=%s in_bytes=%s out_packets=%s out_bytes=%s bytes_out_per_byte_in=%s (%s)\n' \
            "$server" "$auth" "$pin" "$bin" "$pout" "$bout" "$(echo "scale=3; $bout / $bin" | bc)" "$sent"
    done
    for p in $(ip netns pids "$P-srv"); do kill "$p" 2>/dev/null || true; done
    for _ in $(seq 50); do [[ -z "$(ip netns pids "$P-srv")" ]] && break; sleep 0.1; done
done
