#!/usr/bin/env bash
# blackbox17b: what our client leaves behind when it stops (SIGTERM, then SIGKILL), qualified with our server on a
# public address: its tunnel, Teredo address and routes while it runs and after each stop. LAB.md rules:
# namespaces jmbbb-*, documentation ranges, nothing routed out; all removed on exit. From the repository root:
#   flock /tmp/jmiredo-bench.lock bench/results/blackbox17b/client_stop.sh
set -euo pipefail
NS=(srv cli)
. "$(dirname "$0")/lab.sh"
ip -n "$P-srv" addr add 198.51.100.1/24 dev e4; ip -n "$P-srv" addr add 198.51.100.2/24 dev e4
ip -n "$P-cli" addr add 198.51.100.10/24 dev e4
printf 'jmiredo { server { primary-address = "198.51.100.1", native-forwarding = false }, metrics { listen = "127.0.0.1:9544" } }\n' >"$W/server.conf"
printf 'jmiredo { client { server-address = "198.51.100.1" }, metrics { listen = "127.0.0.1:9545" } }\n' >"$W/client.conf"
setsid ip netns exec "$P-srv" "$ROOT/bin/jmiredo" server --config "$W/server.conf" >"$W/server.log" 2>&1 </dev/null &
for _ in $(seq 100); do x srv curl -sf -m1 127.0.0.1:9544/readyz >/dev/null && break; sleep 0.2; done
state() { echo "  links: $(x cli ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
    echo "  inet6: $(x cli ip -6 -o addr show scope global | awk '{print $2, $4}' | tr '\n' ' ')"
    echo "  routes: $(x cli ip -6 route show | grep -v '^fe80\|^multicast\|^ff00' | tr '\n' ';')"; }
for sig in TERM KILL; do
    setsid ip netns exec "$P-cli" "$ROOT/bin/jmiredo" client --config "$W/client.conf" >"$W/client-$sig.log" 2>&1 </dev/null &
    for _ in $(seq 150); do x cli curl -sf -m1 127.0.0.1:9545/readyz >/dev/null && break; sleep 0.2; done
    echo "qualified ($(grep -o 'qualified: Teredo address [^ ]*' "$W/client-$sig.log" | head -1)):"; state
    for p in $(ip netns pids "$P-cli"); do kill -"$sig" "$p" 2>/dev/null || true; done
    for _ in $(seq 100); do [[ -z "$(ip netns pids "$P-cli")" ]] && break; sleep 0.1; done
    # The group leader can be gone while the JVM's other threads still hold the tunnel's fd: give the kernel 5 s.
    t0=$(date +%s%N)
    for _ in $(seq 50); do x cli ip link show teredo >/dev/null 2>&1 || break; sleep 0.1; done
    echo "after SIG$sig (the tunnel gone $(( ($(date +%s%N) - t0) / 1000000 )) ms after the last process):"; state
done
