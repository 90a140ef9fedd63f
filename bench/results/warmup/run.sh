#!/usr/bin/env bash
# Helper warmup: main's jar (/work/wt/base, "base") against this branch's ("new": the handshake warm-up at ready,
# jmiredo.relay.warm-up-peers = 20000 by default; "off": the same jar with it set to 0), one job under the bench lock:
#   flock /tmp/jmiredo-bench.lock bash bench/results/warmup/run.sh [STEPS] > bench/results/warmup/output-N.txt
# STEPS (default "cold"): cold2 = cold without w100 and REPEAT=2 (output-3.txt: output-2.txt's cold overlapped this branch's own
# verify build); cold = bench/handshake.sh on a fresh start (after its 1,000-peer warm-up only), base / new /
# off / w100 (new with 100,000 warm-up peers) alternating, REPEAT=3 (output-1.txt ran the branch's first version,
# without the second pass and without stepping aside, and without w100); warm = the same after a first 100,000-peer burst (WARM_PEERS), base / new, REPEAT=1 (a
# check); jfr = cold with HS_JFR=1 (every compilation of the measured call, bench/jfr_compiles.py), off / new;
# printcomp = cold, new only, -XX:+PrintCompilation and the deoptimization log in the relay's jmiredo.log (were the
# warm-up's compilations kept by the live burst?); miredo = cold, new / Miredo, REPEAT=2; startup = bench/startup.sh
# base / new (startup to ready). Each bench/handshake.sh run writes bench/results/handshake-<id>.
set -euo pipefail
cd "$(dirname "$0")/../../.."
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
ZGC="-XX:+UseZGC -XX:SoftMaxHeapSize=256m"
mkdir -p /tmp/warmup-jars
cp /work/wt/base/relay-server/target/jmiredo.jar /tmp/warmup-jars/base.jar
cp relay-server/target/jmiredo.jar /tmp/warmup-jars/new.jar
common=(PEERS=100000 PRIME_RATE=100000 JAR_base=/tmp/warmup-jars/base.jar JAR_new=/tmp/warmup-jars/new.jar
        JAR_off=/tmp/warmup-jars/new.jar CONF_off="jmiredo.relay.warm-up-peers = 0"
        JAR_w100=/tmp/warmup-jars/new.jar CONF_w100="jmiredo.relay.warm-up-peers = 100000" JM_JAVA_OPTS="$ZGC")
keep='^(variant|jmiredo|miredo|  |    )|results'
for step in ${1:-cold}; do
    echo "##### $step $(date -u +%T) $(uptime)"
    case $step in
    cold) env "${common[@]}" REPEAT=3 RELAYS="jmiredo@base jmiredo@new jmiredo@off jmiredo@w100" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    cold2) env "${common[@]}" REPEAT=2 RELAYS="jmiredo@base jmiredo@new jmiredo@off" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    warm) env "${common[@]}" WARM_PEERS=100000 RELAYS="jmiredo@base jmiredo@new" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    jfr) env "${common[@]}" HS_JFR=1 RELAYS="jmiredo@off jmiredo@new" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    printcomp) env "${common[@]}" RELAYS="jmiredo@new" \
        OPTS_new="$ZGC -XX:+PrintCompilation -Xlog:deoptimization=debug:stdout:uptime" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    miredo) env "${common[@]}" REPEAT=2 RELAYS="jmiredo@new miredo" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    startup) RUNS=5 TREES="/work/wt/base $PWD" bench/startup.sh 2>&1 | tail -15 ;;
    esac
done
