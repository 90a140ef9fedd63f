/**
 * The one namespace-lab harness shared by the end-to-end suites (org.jmiredo.e2e, .server, .ops).
 *
 * <p>Bottom up: {@link org.jmiredo.e2e.lab.Shell} runs short commands under a deadline and logs them;
 * {@link org.jmiredo.e2e.lab.Poll} waits by polling; {@link org.jmiredo.e2e.lab.Netns} is one namespace
 * (exec, bridges, veths, addresses, routes, queries); {@link org.jmiredo.e2e.lab.LabProcess} is a
 * long-running process in one; {@link org.jmiredo.e2e.lab.LabRun} owns a run (random per-suite prefix,
 * namespaces, processes, logs, stale-run reaping, teardown with a leak check);
 * {@link org.jmiredo.e2e.lab.Preconditions} skips with a message, or fails under {@code CI=true}.
 * {@link org.jmiredo.e2e.lab.OneLabPerClass} is the base of a test class whose methods share one lab.
 * Topologies stay with their suites.
 */
package org.jmiredo.e2e.lab;
