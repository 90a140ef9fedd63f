#!/usr/bin/env bash
# One hold (<= 15 min): every e2e class this branch changed, on the branch, once, as CI runs them (CI=true),
# no burner (the relay-pipeline and relay-server suites ran in hold1).
out=/work/wt/flaky13/bench/results/flaky13/e2e-after
mkdir -p $out
date
cd /work/wt/after-flaky13 && export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 CI=true
start=$(date +%s)
./mvnw -B -o -pl e2e -am verify -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest='HostileTrafficTest,NativeSideRefusalsTest,ServerInteropTest,ServerFloodTest,RelayRestartTest,OffloadInteropTest,ClientMaintenanceTest,NetworkChangesTest,ClientHostileTrafficTest,PrometheusScrapeTest,DeployFilesTest,RelayInteropTest' \
    > $out/verify.log 2>&1
rc=$?
echo "e2e classes changed: rc=$rc $(( $(date +%s) - start ))s" | tee $out/summary.txt
grep -E 'Tests run:|<<< |\[ERROR\]|BUILD|Total time' $out/verify.log > $out/verify.tests.txt
date
