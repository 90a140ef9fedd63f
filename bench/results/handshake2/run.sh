#!/usr/bin/env bash
# Helper handshake2: old (main's jar, /work/wt/base) against new (branch handshake2), one job under the bench lock:
#   flock /tmp/jmiredo-bench.lock bash bench/results/handshake2/run.sh [STEPS]
# STEPS (default "jmh cold warm jfr"): jmh = HandshakeBench (the Java of one new peer, no I/O) from both
# relay-bench jars, alternating; cold = bench/handshake.sh on a fresh start (after the 1,000-peer warm-up only),
# base / new / new with -XX:CompileThresholdScaling=0.1 ("cts") / Miredo, REPEAT=2; warm = the same after a
# first 100,000-peer burst (WARM_PEERS), base / new / Miredo, REPEAT=2; jfr = cold with HS_JFR=1 (every
# compilation of the measured call), base / new; perf = warm with HS_PERF=1 (perf samples of the measured
# call, split by bench/perf_split.py), base / new; alloc = heap bytes per new peer of the rules alone
# (AllocPerPeer.java here, the relay's allocator, no I/O), base / new; profile0 = warm with HS_PERF=1, base only
# (the first profile, on a quiet host); printcomp = cold, base only, with -XX:+PrintCompilation and the
# deoptimization log in the relay's jmiredo.log; prewarm = new only, a first burst of 10,000 new peers
# (WARM_PEERS=10000) before the measured one, REPEAT=2 (how few handshakes compile the path); pairs = cold, base / new only, REPEAT=3. Print to an output file
# (output-N.txt here); each bench/handshake.sh run writes bench/results/handshake-<id>, listed in README.txt here.
# Jars are copied first to /tmp/hs2/ (bench/handshake.sh pins them again).
set -euo pipefail
cd "$(dirname "$0")/../../.."
HERE=bench/results/handshake2
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
ZGC="-XX:+UseZGC -XX:SoftMaxHeapSize=256m"
mkdir -p /tmp/hs2
cp /work/wt/base/relay-server/target/jmiredo.jar /tmp/hs2/base.jar
cp relay-server/target/jmiredo.jar /tmp/hs2/new.jar
cp /work/wt/base/relay-bench/target/relay-bench.jar /tmp/hs2/bench-base.jar
cp relay-bench/target/relay-bench.jar /tmp/hs2/bench-new.jar
common=(PEERS=100000 PRIME_RATE=100000 JAR_base=/tmp/hs2/base.jar JAR_new=/tmp/hs2/new.jar JAR_cts=/tmp/hs2/new.jar
        OPTS_cts="$ZGC -XX:CompileThresholdScaling=0.1" JM_JAVA_OPTS="$ZGC")
keep='^(variant|jmiredo|miredo|  |    )|results'
for step in ${1:-jmh cold warm jfr}; do
    echo "##### $step $(date -u +%T) $(uptime)"
    case $step in
    jmh)
        for r in 1 2; do
            for v in base new; do
                echo "== $v run $r: $(uptime)"
                $J -cp /tmp/hs2/bench-$v.jar org.openjdk.jmh.Main HandshakeBench -f 1 -wi 3 -i 4 -w 1s -r 1s -prof gc 2>&1 \
                    | grep -E '^HandshakeBench'
            done
        done ;;
    cold) env "${common[@]}" HS_SYSCALLS=1 REPEAT=2 RELAYS="jmiredo@base jmiredo@new jmiredo@cts miredo" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    warm) env "${common[@]}" HS_SYSCALLS=1 REPEAT=2 WARM_PEERS=100000 RELAYS="jmiredo@base jmiredo@new miredo" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    perf) env "${common[@]}" HS_PERF=1 WARM_PEERS=100000 RELAYS="jmiredo@base jmiredo@new" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    alloc)
        $J -version 2>&1 | head -1
        ${J%java}javac -cp /tmp/hs2/bench-new.jar -d /tmp/hs2/alloc-classes $HERE/AllocPerPeer.java
        for v in base new base new; do
            echo "== $v"; $J -cp /tmp/hs2/bench-$v.jar:/tmp/hs2/alloc-classes AllocPerPeer 500000 2>&1 | grep round
        done ;;
    profile0) env "${common[@]}" HS_PERF=1 WARM_PEERS=100000 RELAYS="jmiredo@base" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    printcomp) env "${common[@]}" RELAYS="jmiredo@base" \
        OPTS_base="$ZGC -XX:+PrintCompilation -Xlog:deoptimization=debug:stdout:uptime" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    prewarm) env "${common[@]}" HS_SYSCALLS=1 REPEAT=2 WARM_PEERS=10000 RELAYS="jmiredo@new" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    pairs) env "${common[@]}" HS_SYSCALLS=1 REPEAT=3 RELAYS="jmiredo@base jmiredo@new" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    jfr) env "${common[@]}" HS_JFR=1 RELAYS="jmiredo@base jmiredo@new" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    esac
done
