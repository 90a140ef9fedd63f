#!/usr/bin/env bash
# Runs one module's test suite (and those it depends on) RUNS times in a row with a CPU burner per core, as a
# slow, noisy CI machine would, and notes each run's outcome and failures. Hold the bench lock around it:
#   flock /tmp/jmiredo-bench.lock bench/stress-suite.sh relay-server 3 bench/results/flaky13/server
# REPO=/work/wt/base-x runs the script against another checkout. MODULE is a Maven module (relay-server also runs relay-pipeline's tests, -am); e2e takes TEST=<Class>.
set -uo pipefail
module=${1:?module}; runs=${2:?runs}; out=${3:?output directory}
cd "${REPO:-$(dirname "$(readlink -f "$0")")/..}" # REPO=<a worktree> runs another checkout (the base)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$out"
burners=()
for _ in $(seq "$(nproc)"); do
    nice -n 0 sh -c 'while :; do :; done' &
    burners+=($!)
done
trap 'kill "${burners[@]}" 2>/dev/null' EXIT
trap 'exit 143' TERM INT
goal=test
args=()
if [[ "$module" == e2e ]]; then
    goal=verify
    args=("-Dtest=${TEST:?TEST=<Class> for e2e}" -Dsurefire.failIfNoSpecifiedTests=false)
fi
for i in $(seq "$runs"); do
    start=$(date +%s)
    ./mvnw -B -o -pl "$module" -am "$goal" "${args[@]}" > "$out/run-$i.log" 2>&1
    rc=$?
    echo "run $i: rc=$rc $(( $(date +%s) - start ))s $(grep -E 'Tests run:.*Fail' "$out/run-$i.log" | tail -1)" \
        | tee -a "$out/summary.txt"
    if [[ $rc -ne 0 ]]; then
        grep -E '<<< (FAIL|ERR)|^\[ERROR\] .*(Test|test)' "$out/run-$i.log" | head -20 | tee -a "$out/summary.txt"
    fi
    # The full log is megabytes of test output: keep the counts and failures (KEEP_LOGS=1 keeps it all).
    grep -E 'Tests run:|<<< |\[ERROR\]|BUILD|Total time' "$out/run-$i.log" > "$out/run-$i.tests.txt"
    [[ -n "${KEEP_LOGS:-}" ]] || rm "$out/run-$i.log"
done
