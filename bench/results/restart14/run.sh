#!/usr/bin/env bash
# restart14: a relay restart with a Miredo client behind a symmetric NAT that only sends. Old (e32e63da) against
# new (the branch), alternating, and Miredo's relay once:
#   1. e2e SymmetricNatRelayTest#aRestartedRelayTakesBackAClientThatOnlySendsInSeconds (bound 10 s), old (with the
#      branch's test file) and new;
#   2. blackbox14's bench/results/blackbox14/restart_sym.sh, each tree's own copy and jar (ROUNDS rounds per run):
#      seconds from the SIGKILL to the first echo reply, behind a port-preserving and a symmetric NAT.
# Usage (root; holds the bench lock for about 12 min with ROUNDS=1, PAIRS=2):
#   flock /tmp/jmiredo-bench.lock bench/results/restart14/run.sh [ROUNDS] [PAIRS]
set -u
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROUNDS=${1:-1}
PAIRS=${2:-2}
NEW=${NEW:-/work/wt/restart14}
OLD=${OLD:-/work/wt/base-restart14}
OUT=$(cd "$(dirname "$0")" && pwd)
[ -d "$OLD" ] || git -C "$NEW" worktree add --detach "$OLD" e32e63da >/dev/null
TEST='SymmetricNatRelayTest#aRestartedRelayTakesBackAClientThatOnlySendsInSeconds'

e2e() { # label tree
    local label=$1 tree=$2 log="$OUT/e2e-$1.log"
    (cd "$tree" && CI=true ./mvnw -B -o verify -pl e2e -am -Dtest="$TEST" -Dsurefire.failIfNoSpecifiedTests=false) \
        >"$log" 2>&1
    local rc=$?
    local line failure
    line=$(grep -o '\[e2e symmetric NAT\] relay restarted.*' "$log" | head -1)
    failure=$(grep -m1 -E 'AssertionError|ConditionTimeout|TimeoutException|Timed out|did not' "$log" | cut -c1-200)
    echo "e2e-$label rc=$rc ${line:-no recovery line} ${failure:+| $failure}" | tee -a "$OUT/summary.txt"
}

bench() { # label tree kind
    local label=$1 tree=$2 kind=$3
    (cd "$tree" && bench/results/blackbox14/restart_sym.sh "$ROUNDS" "$kind") 2>"$OUT/restart_sym-$label.err" \
        | sed "s/^/tree=$label /" | tee -a "$OUT/restart_sym.txt"
}

cp "$NEW/src/test/java/org/jmiredo/e2e/SymmetricNatRelayTest.java" "$OLD/src/test/java/org/jmiredo/e2e/"
(cd "$NEW" && ./mvnw -q -B -o -pl relay-server -am package -DskipTests >/dev/null 2>&1)
(cd "$OLD" && ./mvnw -q -B -o -pl relay-server -am package -DskipTests >/dev/null 2>&1)
date -u +"start %FT%TZ" | tee -a "$OUT/summary.txt" "$OUT/restart_sym.txt"
e2e old "$OLD"
e2e new "$NEW"
for p in $(seq 1 "$PAIRS"); do
    bench "new-$p" "$NEW" jmiredo
    bench "old-$p" "$OLD" jmiredo
done
bench miredo "$NEW" miredo
date -u +"end %FT%TZ" | tee -a "$OUT/summary.txt" "$OUT/restart_sym.txt"
git -C "$OLD" checkout -q -- src/test/java/org/jmiredo/e2e/SymmetricNatRelayTest.java
