#!/usr/bin/env bash
# Helper perf9: JMH SendBatchBench (the UDP send batch per datagram, no system call) of three builds of
# sys.DatagramBatch, alternating per round: "old" = a76a12a's (before UDP GSO) compiled over main's jar, "main" =
# main 367b338 (GSO, the eighth iteration's run check), "new" = this branch. The benchmark jar is the same for all.
# Jars pinned in /tmp/perf9 first (see the BENCHMARKS section "Ninth iteration: the UDP GSO run check").
#   flock /tmp/jmiredo-bench.lock bench/results/ninth-gso/jmh.sh bench/results/ninth-gso/jmh > bench/results/ninth-gso/jmh.txt
# With other work on the host, in a session of its own whose autogroup gets nice -10 (as bench/lab.sh LAB_NICE):
#   setsid bash -c 'echo -10 > /proc/$$/autogroup; exec flock /tmp/jmiredo-bench.lock bench/results/ninth-gso/jmh.sh DIR'
set -euo pipefail
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$1
mkdir -p "$out"
P=/tmp/perf9
declare -A CP=([new1]=$P/new1.jar:$P/bench.jar [new2]=$P/new2.jar:$P/bench.jar [old]=$P/old-classes:$P/main.jar:$P/bench.jar [main]=$P/main.jar:$P/bench.jar [new]=$P/new.jar:$P/bench.jar)
for round in ${ROUNDS:-1 2}; do
    for side in ${SIDES:-old main new}; do
        echo "=== round $round, $side ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
        "$J" -cp "${CP[$side]}" org.openjdk.jmh.Main "${BENCH:-SendBatchBench}" -p "${PARAMS:-destinations=1,64}" \
            -f 1 -wi 3 -i 5 -w 1s -r 1s -jvmArgs "-XX:+UseZGC --enable-native-access=ALL-UNNAMED" \
            -rf json -rff "$out/$side$round.json" | grep -E '^[A-Za-z]+Bench'
    done
done
