#!/usr/bin/env bash
# Helper handshake14: new peers per second through the bubble handshake on this session's host (AMD EPYC guest,
# 2 cores), ours against Miredo's relay and old against new, each step one job under the bench lock:
#   flock /tmp/jmiredo-bench.lock bash bench/results/handshake14/run.sh STEP > bench/results/handshake14/output-STEP-N.txt
# Jars: /tmp/hs14-jars/base.jar (main 75faf78, "base") and /tmp/hs14-jars/new.jar (this branch, "new"), copied
# before the step. Every step runs bench/handshake.sh with PEERS=100000 and the launcher's collector; "cold" is the
# first 100,000-peer burst after the script's 1,000-peer warm-up (the relay's own warm-up has run since ready).
# STEPS:
#   miredo    base / Miredo alternating, REPEAT=3, PRIME_RATE=100000 (the earlier iterations' setting: round 1
#             can show at most the rate it is offered)
#   miredo200 the same at PRIME_RATE=200000 (can either relay take more than 100,000 new peers/s?)
#   syscalls  base / Miredo, HS_SYSCALLS=1 (system calls per new peer), PRIME_RATE=100000
#   perf      base only, HS_PERF=1 (where the loop's time goes, split-*.txt), PRIME_RATE=100000
#   jfr       base only, HS_JFR=1 (what C2 compiles in the burst; allocation), PRIME_RATE=100000
#   ab        base / new alternating, REPEAT=3, PRIME_RATE=100000 (and ab200: PRIME_RATE=200000)
#   abwarm    base / new, WARM_PEERS=100000 (warm), REPEAT=2
#   final     new / Miredo alternating, REPEAT=3, PRIME_RATE=100000
#   alloc     heap bytes per new peer of the rules alone (handshake2's AllocPerPeer.java, adapted by sed below to
#             today's RelayOutput and Bubbles; no I/O,
#             Netty without sun.misc.Unsafe as the launcher runs it): base, new, base, new
#   copytime  the queued packet's copy alone, old way against new, alternating in one JVM (CopyTime.java here),
#             without and with Netty's use of sun.misc.Unsafe
#   settle    base alone, the measured burst right after the script's warm-up ("base") or 3 s later ("settled",
#             HS_SETTLE=3: the relay's own warm-up and the compilations it queued are over), alternating, REPEAT=3
# Each bench/handshake.sh run writes bench/results/handshake14/handshake-<prefix> (RESULTS below).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ZGC="-XX:+UseZGC -XX:SoftMaxHeapSize=256m"
export RESULTS=$PWD/bench/results/handshake14
common=(PEERS=100000 JAR_base=/tmp/hs14-jars/base.jar JAR_new=/tmp/hs14-jars/new.jar JM_JAVA_OPTS="$ZGC")
keep='^(variant|jmiredo|miredo|  |    )|results|first round|handshake:'
for step in ${1:-miredo}; do
    echo "##### $step $(date -u +%T) $(uptime)"
    pfx=jmhs14$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
    case $step in
    miredo) env "${common[@]}" LAB_PREFIX=$pfx PRIME_RATE=100000 REPEAT=3 RELAYS="jmiredo@base miredo" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    miredo200) env "${common[@]}" LAB_PREFIX=$pfx PRIME_RATE=200000 REPEAT=2 RELAYS="jmiredo@base miredo" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    syscalls) env "${common[@]}" LAB_PREFIX=$pfx PRIME_RATE=100000 HS_SYSCALLS=1 RELAYS="jmiredo@base miredo" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    perf) env "${common[@]}" LAB_PREFIX=$pfx PRIME_RATE=100000 HS_PERF=1 RELAYS="jmiredo@base" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    jfr) env "${common[@]}" LAB_PREFIX=$pfx PRIME_RATE=100000 HS_JFR=1 RELAYS="jmiredo@base" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    ab) env "${common[@]}" LAB_PREFIX=$pfx PRIME_RATE=100000 REPEAT=3 RELAYS="jmiredo@base jmiredo@new" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    ab200) env "${common[@]}" LAB_PREFIX=$pfx PRIME_RATE=200000 REPEAT=3 RELAYS="jmiredo@base jmiredo@new" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    abwarm) env "${common[@]}" LAB_PREFIX=$pfx PRIME_RATE=100000 WARM_PEERS=100000 REPEAT=2 RELAYS="jmiredo@base jmiredo@new" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    settle) env "${common[@]}" LAB_PREFIX=$pfx PRIME_RATE=100000 REPEAT=3 JAR_settled=/tmp/hs14-jars/base.jar SETTLE_settled=3 \
        RELAYS="jmiredo@base jmiredo@settled" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    alloc)
        mkdir -p /tmp/hs14-alloc/classes
        sed -e 's/new Bubbles(source, alloc, counters)/new Bubbles(source, alloc)/' \
            -e 's/public boolean toUdp(ByteBuf p, int ip, int port, int local) { p.release(); return true; }/public void toUdp(ByteBuf p, int ip, int port, int local, Counter kind) { p.release(); }/' \
            bench/results/handshake2/AllocPerPeer.java >/tmp/hs14-alloc/AllocPerPeer.java
        /usr/lib/jvm/temurin-25-jdk-amd64/bin/javac -cp /tmp/hs14-alloc/bench-base.jar -d /tmp/hs14-alloc/classes /tmp/hs14-alloc/AllocPerPeer.java
        # base: main's relay-bench jar (relay-pipeline inside); new: this branch's relay-pipeline classes in front of it
        for v in base new base new; do
            cp=/tmp/hs14-alloc/bench-base.jar:/tmp/hs14-alloc/classes
            [[ $v == base ]] || cp=/tmp/hs14-alloc/new-classes:$cp
            echo "== $v"; /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -Dio.netty.leakDetection.level=disabled \
                -cp $cp AllocPerPeer 300000 2>&1 | grep -E 'round|unsafe'
        done ;;
    copytime)
        J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
        mkdir -p /tmp/hs14-alloc/copytime
        $J/javac -cp /tmp/hs14-alloc/bench-base.jar -d /tmp/hs14-alloc/copytime bench/results/handshake14/CopyTime.java
        for flags in "-Dio.netty.noUnsafe=true" "--sun-misc-unsafe-memory-access=allow"; do
            echo "== $flags"; $J/java $flags -Dio.netty.leakDetection.level=disabled \
                -cp /tmp/hs14-alloc/new-classes:/tmp/hs14-alloc/bench-base.jar:/tmp/hs14-alloc/copytime CopyTime 2>&1 | grep -E 'unsafe|copy'
        done ;;
    final) env "${common[@]}" LAB_PREFIX=$pfx PRIME_RATE=100000 REPEAT=3 RELAYS="jmiredo@new miredo" bench/handshake.sh 2>&1 | grep -E "$keep" ;;
    esac
done
