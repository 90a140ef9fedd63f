#!/usr/bin/env bash
# bubblecap18: under the bench lock, in order: relay-pipeline's tests whole, e2e DeployFilesTest, and
# reflect18's amplify_cases.sh on the old (main at 759d8b88) and new relay, one forged Teredo address per datagram,
# 4,000 datagrams at 1,000 a second (4 s), default relay.unknown-bubbles-per-second = 500. From the repository root:
#   OLD_JAR=/work/wt/base-bubblecap18/relay-server/target/jmiredo.jar flock /tmp/jmiredo-bench.lock \
#       bench/results/bubblecap18/run_all.sh
set -uo pipefail
OUT=bench/results/bubblecap18
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
date -u +"start %FT%TZ"
./mvnw -B -o -pl relay-pipeline test 2>&1 | grep -E "Tests run:|BUILD" > "$OUT/relay-pipeline-test.log"
echo "relay-pipeline rc=${PIPESTATUS[0]}"
grep -E "^\[(INFO|WARNING|ERROR)\] Tests run:.*Fail" "$OUT/relay-pipeline-test.log" | tail -1
./mvnw -q -B -o verify -pl e2e -am -Dtest=DeployFilesTest -Dsurefire.failIfNoSpecifiedTests=false \
    > "$OUT/deployfiles-test.log" 2>&1; echo "DeployFilesTest rc=$?"
grep -h "Tests run" target/surefire-reports/*DeployFilesTest.txt 2>/dev/null || grep -rh "Tests run" e2e/target/surefire-reports/*DeployFilesTest.txt
RELAYS="jmiredo-old jmiredo-new" PER_SOURCE=1 bench/results/reflect18/amplify_cases.sh 4000 1000 > "$OUT/amplify.txt" 2> "$OUT/amplify.err"
echo "amplify rc=$?"; cat "$OUT/amplify.txt"
date -u +"end %FT%TZ"
