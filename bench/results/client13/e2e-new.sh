#!/usr/bin/env bash
# The e2e classes this branch touches, on the branch's jar (CI=true: nothing skips). Run under the bench lock.
cd /work/wt/client13
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 CI=true
date
./mvnw -q -B -o verify -pl e2e -am -Dtest='MtuInteropTest,ClientThroughMiredoRelayTest,ClientMaintenanceTest' \
    -Dsurefire.failIfNoSpecifiedTests=false
echo "exit $?"
date
