package org.jmiredo.server.config;

/**
 * {@code jmiredo.metrics}.
 *
 * @param listen where the HTTP endpoint (/metrics, /healthz, /readyz) listens
 */
public record MetricsConfig(HostPort listen) {}
