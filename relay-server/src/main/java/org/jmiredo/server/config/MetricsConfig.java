package org.jmiredo.server.config;

/**
 * {@code jmiredo.metrics}.
 *
 * @param listen where the HTTP endpoint (/metrics, /healthz, /readyz) listens
 * @param maxConnections how many connections the endpoint holds open at once; more are closed on accept
 * @param maxConnectionsPerSource how many of them one remote address may hold; more are closed on accept
 * @param scrapesPerSecond full scrapes of /metrics a second for the whole endpoint (one source gets half); more are
 *     answered 429; 0 for no limit
 */
public record MetricsConfig(HostPort listen, int maxConnections, int maxConnectionsPerSource, int scrapesPerSecond) {
    /** The default of {@code jmiredo.metrics.max-connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** The default of {@code jmiredo.metrics.max-connections-per-source}. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 8;
    /** The default of {@code jmiredo.metrics.scrapes-per-second}: 25 times an HA pair of Prometheus every 5 s. */
    public static final int DEFAULT_SCRAPES_PER_SECOND = 10;

    public MetricsConfig(HostPort listen) {
        this(listen, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_SOURCE, DEFAULT_SCRAPES_PER_SECOND);
    }
}
