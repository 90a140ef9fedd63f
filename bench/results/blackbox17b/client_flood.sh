#!/usr/bin/env bash
# blackbox17b: our public client under two floods from a stranger, old code against new, alternating.
# 1. ClientBehindSymmetricNatTest (4th method): bubbles from 100,000 Teredo addresses that all embed the stranger's
#    own mapping (10,000 a second, no forged IPv4 source), while Debian's Miredo client behind the lab's symmetric
#    NAT, trusted by ours at another port than its address embeds (M15), pings ours once a second.
# 2. ClientHostileTrafficTest (3rd method): data from a new native source each, 100 a second, while our client's
#    host pings 8 native addresses it never reached, once each.
# Each class runs on the old code (a detached worktree of BASE, given this branch's e2e test sources only) and on
# this branch, and the line each method prints is kept. Under the bench lock, from the repository root:
#   flock /tmp/jmiredo-bench.lock bench/results/blackbox17b/client_flood.sh [ROUNDS] [BASE_WORKTREE] > OUT
set -uo pipefail
ROUNDS=${1:-1}
NEW=$(cd "$(dirname "$0")/../../.." && pwd)
OLD=${2:-/work/wt/base-blackbox17b}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
for f in HostileSender ClientBehindSymmetricNatTest ClientHostileTrafficTest; do
    cp "$NEW/src/test/java/org/jmiredo/e2e/$f.java" "$OLD/src/test/java/org/jmiredo/e2e/"
done
run() { # TREE LABEL CLASS
    local log=/tmp/client_flood-$2-$3.log
    (cd "$1" && CI=true ./mvnw -q -B -o verify -pl e2e -am -Dtest="$3" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1)
    local rc=$?
    echo "$2 $3 (exit $rc): $(cat "$log" "$1"/e2e/target/surefire-reports/*"$3"*-output.txt 2>/dev/null \
        | grep -ho '\[e2e client [A-Za-z ]*\] under.*' | head -1)"
}
for r in $(seq "$ROUNDS"); do
    for c in ${CLASSES:-ClientBehindSymmetricNatTest ClientHostileTrafficTest}; do
        run "$OLD" "old-$r" "$c"
        run "$NEW" "new-$r" "$c"
    done
done
