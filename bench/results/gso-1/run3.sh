#!/usr/bin/env bash
# Why the handshake cost more C2 time with GSO (run.sh: 6.5 to 9.0 us of C2 CPU per new peer against 1.6 to
# 6.4 off): a JFR of every compilation and deoptimization of one cold handshake each: gso1 = the jar of run.sh
# (/tmp/gso-old.jar, sha256 b4775ad266d7), gso2 = the grouping check with two branches instead of seven
# (/tmp/gso-new.jar), and off (the same jar as gso2, transport.udp-gso = off).
#   flock /tmp/jmiredo-bench.lock bench/results/gso-1/run3.sh > bench/results/gso-1/out3.txt 2>&1
new=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$new" || exit 1
RESULTS="$new/bench/results/gso-1" PEERS=100000 PRIME_RATE=100000 HS_JFR=1 \
    RELAYS="jmiredo@gso1 jmiredo@gso2 jmiredo@off" JAR_gso1=/tmp/gso-old.jar JAR_gso2=/tmp/gso-new.jar \
    JAR_off=/tmp/gso-new.jar CONF_off="jmiredo.transport.udp-gso = off" bench/handshake.sh 2>&1 | tail -16
for f in "$new"/bench/results/gso-1/handshake-jb*/handshake-jmiredo@*.jfr; do
    [[ -f $f ]] || continue
    echo "== $f"
    "$JAVA_HOME/bin/jfr" print --json --events jdk.Compilation,jdk.Deoptimization "$f" | python3 bench/jfr_compiles.py 12
done
