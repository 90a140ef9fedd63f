#!/usr/bin/env bash
# The client's side of the NAT rebinding, e2e ClientBehindSymmetricNatTest (our public client and Debian's Miredo
# client behind the lab's symmetric NAT; its method 3 moves Miredo's client's flow to ours to another NAT port):
# old (75faf78 with the branch's test files, recovery bound 10 s) and new, then new's SymmetricNatRelayTest and
# ClientBehindSymmetricNatTest as CI runs them.
# Usage: flock /tmp/jmiredo-bench.lock bench/results/rebind14/client.sh
set -u
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
NEW=${NEW:-/work/wt/rebind14}
OLD=${OLD:-/work/wt/base-rebind14}
OUT=$(cd "$(dirname "$0")" && pwd)
[ -d "$OLD" ] || git -C "$NEW" worktree add --detach "$OLD" 75faf78 >/dev/null
E2E=src/test/java/org/jmiredo/e2e
cp "$NEW/$E2E/ClientBehindSymmetricNatTest.java" "$NEW/$E2E/NatRebinding.java" "$NEW/$E2E/SymmetricNatRelayTest.java" \
    "$OLD/$E2E/"
sed -i 's/RECOVERY = Duration.ofSeconds(45)/RECOVERY = Duration.ofSeconds(10)/' "$OLD/$E2E/SymmetricNatRelayTest.java"
one() { # label tree tests
    (cd "$2" && CI=true ./mvnw -B -o verify -pl e2e -am -Dtest="$3" -Dsurefire.failIfNoSpecifiedTests=false) \
        >"$OUT/$1.log" 2>&1
    local rc=$?
    echo "$1 rc=$rc $(grep -ho '\[e2e [a-z ]*symmetric NAT\] .*after [0-9]* ms' "$OUT/$1.log" | tr '\n' ' ')" \
        "$(grep -m1 -E 'AssertionError: timed out.*' -o "$OUT/$1.log" | cut -c1-160)" | tee -a "$OUT/summary.txt"
}
date -u +"client start %FT%TZ" | tee -a "$OUT/summary.txt"
one client-old "$OLD" ClientBehindSymmetricNatTest
one client-new "$NEW" ClientBehindSymmetricNatTest,SymmetricNatRelayTest
date -u +"client end %FT%TZ" | tee -a "$OUT/summary.txt"
