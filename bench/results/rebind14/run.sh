#!/usr/bin/env bash
# The NAT-rebinding recovery of e2e SymmetricNatRelayTest (its method aFlowRecoversFromTheNatRebindingItInSeconds):
# the Debian Miredo client behind the lab's symmetric NAT has its flow to the relay moved to another NAT port
# (SNAT rule, conntrack -D); the test prints how long until its pings are answered again. Old (75faf78 with the
# branch's test file; first as written, bound 10 s, then with the bound raised to 45 s so that its time is
# measured), new (the branch), and Miredo's relay (jmiredo.e2e.relay=miredo, bound 45 s), alternating.
# Usage (holds the bench lock for about 10 min with ROUNDS=2):
#   flock /tmp/jmiredo-bench.lock bench/results/rebind14/run.sh ROUNDS
set -u
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROUNDS=${1:-2}
NEW=${NEW:-/work/wt/rebind14}
OLD=${OLD:-/work/wt/base-rebind14}
OUT=$(cd "$(dirname "$0")" && pwd)
[ -d "$OLD" ] || git -C "$NEW" worktree add --detach "$OLD" 75faf78 >/dev/null
TEST='SymmetricNatRelayTest#aFlowRecoversFromTheNatRebindingItInSeconds'
OLD_TEST="$OLD/src/test/java/org/jmiredo/e2e/SymmetricNatRelayTest.java"

one() { # label tree [maven args...]
    local label=$1 tree=$2
    shift 2
    local log="$OUT/$label.log"
    (cd "$tree" && CI=true ./mvnw -B -o verify -pl e2e -am -Dtest="$TEST" -Dsurefire.failIfNoSpecifiedTests=false "$@") \
        >"$log" 2>&1
    local rc=$?
    local line
    line=$(grep -o '\[e2e symmetric NAT\].*' "$log" | head -1)
    local failure
    failure=$(grep -m1 -E 'AssertionError|ConditionTimeout|TimeoutException|Timed out|did not' "$log" | cut -c1-200)
    echo "$label rc=$rc ${line:-no recovery line} ${failure:+| $failure}" | tee -a "$OUT/summary.txt"
}

cp "$NEW/src/test/java/org/jmiredo/e2e/SymmetricNatRelayTest.java" "$NEW/src/test/java/org/jmiredo/e2e/NatRebinding.java" \
    "$OLD/src/test/java/org/jmiredo/e2e/"
date -u +"start %FT%TZ" | tee -a "$OUT/summary.txt"
one old-bound10 "$OLD"
sed -i 's/RECOVERY = Duration.ofSeconds(10)/RECOVERY = Duration.ofSeconds(45)/' "$OLD_TEST"
for r in $(seq 1 "$ROUNDS"); do
    one "new-$r" "$NEW"
    one "old-$r" "$OLD"
    one "miredo-$r" "$NEW" -Djmiredo.e2e.relay=miredo
done
date -u +"end %FT%TZ" | tee -a "$OUT/summary.txt"
