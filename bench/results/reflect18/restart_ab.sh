#!/usr/bin/env bash
# reflect18: the e2e restart tests in the old tree (OLD_TREE, main before this change) and in this one, alternating,
# each run's log kept; then the recovery times they print or note. From the repository root, as root:
#   OLD_TREE=/work/wt/base-reflect18 flock /tmp/jmiredo-bench.lock bench/results/reflect18/restart_ab.sh \
#       > bench/results/reflect18/restart_ab.txt
set -uo pipefail
NEW_TREE=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=$NEW_TREE/bench/results/reflect18/restart-logs
mkdir -p "$OUT"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
# The new tree runs the three classes whole (they must pass), and DeployFilesTest (the new counter); the old one
# only the tests that time a restart.
NEW_TESTS=${NEW_TESTS:-RelayRestartTest,SymmetricNatRelayTest,DeploymentRestartTest,DeployFilesTest}
OLD_TESTS=${OLD_TESTS:-RelayRestartTest#killedUnderTrafficRestartsAtOnce,SymmetricNatRelayTest#aRestartedRelayTakesBackAClientThatOnlySendsInSeconds,DeploymentRestartTest#relayRestarted}
# This tree's relay-pipeline unit tests first, under the same hold of the lock.
(cd "$NEW_TREE" && ./mvnw -B -o -pl relay-pipeline test) >"$OUT/relay-pipeline-unit.log" 2>&1
echo "== relay-pipeline unit tests: exit $?; $(grep -E "^\[(INFO|ERROR)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$" "$OUT/relay-pipeline-unit.log" | tail -1)"
for side in ${SIDES:-new old}; do
    tree=$NEW_TREE; TESTS=$NEW_TESTS
    [[ $side == old ]] && tree=$OLD_TREE && TESTS=$OLD_TESTS
    log=$OUT/$side.log
    start=$(date +%s)
    (cd "$tree" && CI=true ./mvnw -B -o verify -pl e2e -am -Dtest="$TESTS" -Dsurefire.failIfNoSpecifiedTests=false) >"$log" 2>&1
    rc=$?
    echo "== $side ($tree): exit $rc in $(( $(date +%s) - start )) s"
    grep -E "Tests run: [0-9]+, Failures|recovered in|answered again|FAIL" "$log" | grep -v "^\[INFO\] Tests run: 0" | head -20
    grep -rhoE "recovered in [0-9]+ ms|answered again [0-9]+ ms|reached our client after [0-9]+ ms" "$tree/e2e/target" "$log" 2>/dev/null | sort | uniq -c | head -20
done
