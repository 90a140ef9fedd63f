#!/usr/bin/env bash
# One hold (<= 15 min): the new relay-pipeline + relay-server suites twice under burners, then the
# timing-sensitive relay-server classes repeated in one JVM each, old and new alternating.
date
REPO=/work/wt/after-flaky13 /work/wt/flaky13/bench/stress-suite.sh relay-server 2 /work/wt/flaky13/bench/results/flaky13/after-server
grep -o 'name="surefire.test.class.path" value="[^"]*"' /work/wt/after-flaky13/relay-server/target/surefire-reports/TEST-org.jmiredo.server.transport.UdpReceiveHandleTest.xml \
    | sed 's/.*value="//; s/"$//; s#/work/wt/after-flaky13/#/work/wt/flaky13/#g' > /tmp/flaky13-cp.txt
/work/wt/flaky13/bench/results/flaky13/repeat.sh 2 2 /work/wt/flaky13/bench/results/flaky13/repeat-server \
    org.jmiredo.server.transport.UdpReceiveHandleTest org.jmiredo.server.tun.linux.LinuxTunDeviceTest \
    org.jmiredo.server.metrics.MetricsServerTest org.jmiredo.server.transport.LocalAddressSocketsTest \
    org.jmiredo.server.transport.TransportTest org.jmiredo.server.transport.OuterHeaderTest \
    org.jmiredo.server.ClientTunnelAddressTest org.jmiredo.server.transport.NonRootPersistentTunTest
date
