#!/usr/bin/env bash
# Resident memory of an idle relay: started in a namespace of its own with bin/jmiredo's default JVM options,
# read (VmRSS and its anonymous / file / shared parts) once the handshake warm-up has finished and a few
# seconds more have passed. Compares jars and table bounds on one host, e.g. old against new:
#   JARS="/old/jmiredo.jar relay-server/target/jmiredo.jar" PEERS_MAX="1048576 4194304" ROUNDS=2 bench/idle-rss.sh
# Knobs: JARS, PEERS_MAX (jmiredo.peers.max values), WARM_UP (jmiredo.relay.warm-up-peers, 20000), ROUNDS,
# SETTLE (seconds after the warm-up, 5). Needs root (a namespace and a TUN device); leaves nothing behind.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
JARS="${JARS:-relay-server/target/jmiredo.jar}"
ns="jmrss$$"
work=$(mktemp -d)
pid=
cleanup() {
    [[ -z "$pid" ]] || kill "$pid" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up

measure() { # jar peers_max
    printf 'jmiredo.peers.max = %s\njmiredo.relay.warm-up-peers = %s\n' "$2" "${WARM_UP:-20000}" >"$work/relay.conf"
    ip netns exec "$ns" "$JAVA" --enable-native-access=ALL-UNNAMED -XX:+UseZGC -XX:SoftMaxHeapSize=256m \
        -XX:InitialHeapSize=16m -jar "$1" relay --config "$work/relay.conf" >"$work/relay.log" 2>&1 &
    pid=$!
    local done_line='warm-up: \|warm-up is off\| ready: '
    [[ "${WARM_UP:-20000}" == 0 ]] || done_line='warm-up: '
    for _ in $(seq 300); do
        grep -q "$done_line" "$work/relay.log" && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/relay.log" >&2; exit 1; }
        sleep 0.1
    done
    sleep "${SETTLE:-5}"
    printf '%s peers.max=%s warm-up=%s: %s\n' "$1" "$2" "${WARM_UP:-20000}" \
        "$(grep -E '^(VmRSS|RssAnon|RssFile|RssShmem)' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' ')"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=
}

for round in $(seq "${ROUNDS:-1}"); do
    for jar in $JARS; do
        for max in ${PEERS_MAX:-1048576}; do
            measure "$jar" "$max"
        done
    done
done
