package org.jmiredo.server.config;

/**
 * {@code jmiredo.metrics}.
 *
 * @param listen where the HTTP endpoint (/metrics, /healthz, /readyz) listens
 * @param maxConnections how many connections the endpoint holds open at once; more are closed on accept
 */
public record MetricsConfig(HostPort listen, int maxConnections) {
    /** The default of {@code jmiredo.metrics.max-connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;

    public MetricsConfig(HostPort listen) {
        this(listen, DEFAULT_MAX_CONNECTIONS);
    }
}
