package org.jmiredo.server.config;

/**
 * {@code jmiredo.metrics}.
 *
 * @param listen where the HTTP endpoint (/metrics, /healthz, /readyz) listens
 * @param maxConnections how many connections the endpoint holds open at once; more are closed on accept
 * @param maxConnectionsPerSource how many of them one remote address may hold; more are closed on accept
 */
public record MetricsConfig(HostPort listen, int maxConnections, int maxConnectionsPerSource) {
    /** The default of {@code jmiredo.metrics.max-connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** The default of {@code jmiredo.metrics.max-connections-per-source}. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 8;

    public MetricsConfig(HostPort listen) {
        this(listen, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_SOURCE);
    }
}
