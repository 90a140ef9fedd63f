#!/usr/bin/env bash
# After the read(2) redesign: the e2e classes the TUN read touches, and relay-pipeline and relay-server whole.
# Run under the bench lock. CI=true: nothing skips.
cd /work/wt/client13
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 CI=true
date
./mvnw -q -B -o verify -pl e2e -am -Dtest='MtuInteropTest,ClientThroughMiredoRelayTest,ClientThroughOurRelayTest,OffloadInteropTest,RelayInteropTest,ClientHostileTrafficTest' \
    -Dsurefire.failIfNoSpecifiedTests=false
echo "e2e exit $?"
date
./mvnw -q -B -o test -pl relay-pipeline,relay-server -am
echo "modules exit $?"
date
