#!/usr/bin/env bash
# The branch's new e2e tests against main's jar (96dfb19, /work/wt/base-client13): each must fail there.
# Then ClientThroughOurRelayTest on the branch's jar. Run under the bench lock.
cd /work/wt/client13
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 CI=true
date
./mvnw -B -o verify -pl e2e -am -Djmiredo.jar=/work/wt/base-client13/relay-server/target/jmiredo.jar \
    -Dtest='MtuInteropTest#aRelayTunnelMtuRaisedByHandCarriesLongerPackets,ClientThroughMiredoRelayTest#aTunnelMtuRaisedByHandCarriesLongerPackets,ClientMaintenanceTest#boundAddressRemovedAndAddedBack' \
    -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep -E "Tests run|FAIL|expected|Expect|replies|readyz|ERROR\] +[A-Z]" | head -40
date
./mvnw -q -B -o verify -pl e2e -am -Dtest='ClientThroughOurRelayTest' -Dsurefire.failIfNoSpecifiedTests=false
echo "exit $?"
date
