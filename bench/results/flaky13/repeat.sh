#!/usr/bin/env bash
# Under the bench lock: a CPU burner per core, then the timing-sensitive test classes ROUNDS times per JVM
# (Repeat.java beside this script, JUnit's launcher), old (/work/wt/base-flaky13, 96dfb19) and new
# (/work/wt/after-flaky13, the branch) alternating, PASSES times each. Output in OUT. The class path is
# relay-server's test class path as surefire recorded it (surefire.test.class.path in a TEST-*.xml report
# of the new tree, written to /tmp/flaky13-cp.txt with /work/wt/flaky13/ for the tree: see hold1.sh).
#   repeat.sh ROUNDS PASSES OUT CLASS...
set -uo pipefail
rounds=$1; passes=$2; out=$3; shift 3
classes=("$@")
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
mkdir -p "$out"
burners=()
for _ in $(seq "$(nproc)"); do nice -n 0 sh -c 'while :; do :; done' & burners+=($!); done
trap 'kill "${burners[@]}" 2>/dev/null' EXIT
trap 'exit 143' TERM INT
for p in $(seq "$passes"); do
    for side in base after; do
        cp=$(sed "s#/work/wt/flaky13/#/work/wt/$side-flaky13/#g" /tmp/flaky13-cp.txt)
        start=$(date +%s)
        (cd /work/wt/$side-flaky13/relay-server && timeout 600 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
            --sun-misc-unsafe-memory-access=allow -Dio.netty.leakDetection.level=paranoid -cp "$cp" \
            "$(dirname "$(readlink -f "$0")")/Repeat.java" "$rounds" "${classes[@]}") > "$out/$side-$p.log" 2>&1
        echo "$side pass $p: rc=$? $(( $(date +%s) - start ))s, $(grep -c '^FAIL' "$out/$side-$p.log") failures" | tee -a "$out/summary.txt"
    done
done
