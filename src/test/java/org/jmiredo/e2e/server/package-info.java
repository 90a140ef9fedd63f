/**
 * End-to-end tests of {@code jmiredo server} and {@code jmiredo mire} (issue 3) in network namespaces,
 * against real Debian Miredo clients and relays (the team's lab notes, LAB.md), with hostile traffic from a lab host.
 *
 * <p>{@link org.jmiredo.e2e.server.ServerLab} builds the LAB.md topology plus an attacker host under a
 * random {@code js<6 hex>} prefix on the shared {@link org.jmiredo.e2e.lab} harness and tears it down with
 * a leak check; {@link org.jmiredo.e2e.server.ServerPeers} starts the daemons;
 * {@link org.jmiredo.e2e.server.TeredoPacketTool} crafts Teredo datagrams in a JVM of its own inside a
 * namespace. Without root or the packages the tests skip, except under {@code CI=true}, where they fail.
 * Logs of every run: {@code e2e/target/e2e/server-<prefix>/}.
 */
package org.jmiredo.e2e.server;
