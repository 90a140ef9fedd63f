#!/usr/bin/env bash
# Cold handshakes with the AOT cache of `jmiredo train-aot` against none and against Miredo, in one job
# under the bench lock (BENCHMARKS.md, "Sixth iteration"):
#   flock /tmp/jmiredo-bench.lock bash bench/results/aot-trained/handshake.sh [OUTPUT]
# (RELAYS and REPEAT as bench/handshake.sh takes them; the variants are nocache, trained, eager and miredo.)
# The jar is copied outside the repository (a cache fits the jar file it was trained with); the training
# runs with the JVM options of the relays it is measured in (the launcher's: ZGC, 256-MiB soft maximum,
# 16-MiB first heap), unprivileged, as bin/jmiredo train-aot and the image build run it.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=${1:-bench/results/aot-trained/handshake.txt}
w=/tmp/aottrain-hs
mkdir -p "$w"
cp -p "${JAR:-relay-server/target/jmiredo.jar}" "$w/jmiredo.jar" # JAR: a pinned copy, while builds go on
z=${JVM:-"-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m"} # JVM: other options, e.g. G1's
rm -f "$w/trained.aot"
# shellcheck disable=SC2086
( cd "$w" && /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --enable-native-access=ALL-UNNAMED $z \
    -XX:AOTCacheOutput="$w/trained.aot" -Xlog:aot=error -jar "$w/jmiredo.jar" train-aot ) 2>&1 \
    | grep -E 'train-aot:|AOTCache creation' | tee "$out"
ls -la "$w/trained.aot" | tee -a "$out"
# eager: the same cache, with the JDK's experimental AOTCompileEagerly (methods that have training data
# are compiled early).
env PEERS=100000 PRIME_RATE=100000 HS_SYSCALLS=1 REPEAT=${REPEAT:-2} JM_JAVA_OPTS="$z" \
    RELAYS="${RELAYS:-jmiredo@nocache jmiredo@trained miredo}" JAR_nocache="$w/jmiredo.jar" \
    JAR_trained="$w/jmiredo.jar" JAR_eager="$w/jmiredo.jar" OPTS_nocache="$z" \
    OPTS_trained="$z -XX:AOTCache=$w/trained.aot -Xlog:aot:file=$w/aot-use.log" \
    OPTS_eager="$z -XX:AOTCache=$w/trained.aot -XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly" \
    bench/handshake.sh 2>&1 | tee -a "$out"
grep -m3 -i 'opened\|mapped\|using\|disab\|error' "$w/aot-use.log" | tee -a "$out" || true # the cache was used
