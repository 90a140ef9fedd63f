/**
 * End-to-end tests in network namespaces, against real Debian Miredo peers (the team's lab notes, LAB.md).
 *
 * <p>The harness is the shared one of {@link org.jmiredo.e2e.lab}; on top of it {@link org.jmiredo.e2e.Lab}
 * builds the topology ({@link org.jmiredo.e2e.Topology}) on a {@link org.jmiredo.e2e.lab.LabRun} with a
 * random {@code jm<6 hex>} prefix, starts {@link org.jmiredo.e2e.lab.LabProcess}es in it and tears it all
 * down with a leak check; {@link org.jmiredo.e2e.TeredoLab} adds miredo-server, the relay under test
 * ({@link org.jmiredo.e2e.RelayUnderTest}: {@link org.jmiredo.e2e.JmiredoRelay} or
 * {@link org.jmiredo.e2e.MiredoRelay}), two Miredo clients and an iperf3 server.
 *
 * <p>System properties: {@code jmiredo.e2e.relay} = {@code jmiredo} (default) or {@code miredo}
 * (baseline); {@code jmiredo.jar} and {@code jmiredo.java} (set by e2e/pom.xml). Without root or
 * the Debian packages the tests skip, except under {@code CI=true}, where they fail.
 * Logs of every run: {@code e2e/target/e2e/<prefix>/}.
 */
package org.jmiredo.e2e;
