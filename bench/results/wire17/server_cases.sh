#!/usr/bin/env bash
# wire17: odd Router Solicitations and bubbles at a Teredo server's two addresses, ours then Debian's
# miredo-server, in blackbox17b's lab (namespaces jmwire-*, srv 198.51.100.1/.2, atk 198.51.100.66; documentation
# ranges, nothing routed out, all removed on exit). From the repository root, as root:
#   flock /tmp/jmiredo-bench.lock bench/results/wire17/server_cases.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
NS=(srv atk)
export LAB_PREFIX=jmwire LAB_WORK=wire17
. "$HERE/../blackbox17b/lab.sh"
reflection_lab
printf 'jmiredo { server { primary-address = "198.51.100.1" }, metrics { listen = "127.0.0.1:9544" } }\n' >"$W/server.conf"
printf 'ServerBindAddress 198.51.100.1\nServerBindAddress2 198.51.100.2\n' >"$W/miredo-server.conf"
for server in jmiredo miredo; do
    f=$HERE/server-$server.txt
    case $server in
        jmiredo) setsid ip netns exec "$P-srv" "$ROOT/bin/jmiredo" server --config "$W/server.conf" >"$W/$server.log" 2>&1 </dev/null &
                 for _ in $(seq 100); do x srv curl -sf -m1 127.0.0.1:9544/readyz >/dev/null && break; sleep 0.2; done ;;
        miredo) setsid ip netns exec "$P-srv" unshare -m sh -c 'mount -t tmpfs none /var/run && exec miredo-server -f -c "$1" -u nobody' \
                    sh "$W/miredo-server.conf" >"$W/$server.log" 2>&1 </dev/null &
                for _ in $(seq 50); do x srv ss -uln | grep -q '198.51.100.2:3544' && break; sleep 0.1; done ;;
    esac
    x srv tcpdump -nn -l -i e4 -Q out udp >"$W/$server.cap" 2>/dev/null &
    dump=$!
    sleep 1
    {
        echo "## $server: from atk 198.51.100.66:40000"
        x atk python3 "$HERE/craft.py" server 198.51.100.1 198.51.100.66 40000
        sleep 1
        kill "$dump"; wait "$dump" 2>/dev/null || true
        echo "## $server: everything the server sent (tcpdump -Q out), by destination"
        awk '{print $3, $4, $5, $NF}' "$W/$server.cap" | sort | uniq -c | sort -rn
        if [[ $server == jmiredo ]]; then
            echo "## $server: metrics"
            x srv curl -s 127.0.0.1:9544/metrics | grep -v '^#' | grep -E 'dropped|forwarded|router|ra_' | grep -v ' 0$' | grep -v ' 0.0$'
        fi
    } >"$f" 2>&1
    for p in $(ip netns pids "$P-srv"); do kill "$p" 2>/dev/null || true; done
    for _ in $(seq 50); do [[ -z "$(ip netns pids "$P-srv")" ]] && break; sleep 0.1; done
done
