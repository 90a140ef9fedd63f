package org.jmiredo.server.metrics;

import java.util.Locale;

/**
 * The two text formats served at /metrics, chosen from the request's Accept header. Prometheus asks for
 * OpenMetrics with a higher q-value than text/plain; curl and browsers get the 0.0.4 text format.
 * Protobuf is never chosen, even when asked for: the text formats carry everything we export.
 */
enum ExpositionFormat {
    PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),
    OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

    private static final String OPENMETRICS_TYPE = "application/openmetrics-text";
    private static final String TEXT_TYPE = "text/plain";

    /** The Content-Type of the response, also the value handed to the registry to pick its writer. */
    final String contentType;

    ExpositionFormat(String contentType) {
        this.contentType = contentType;
    }

    /** OpenMetrics when the Accept header lists it with a q-value above 0 and not below text/plain's. */
    static ExpositionFormat negotiate(String accept) {
        if (accept == null || accept.isEmpty()) {
            return PROMETHEUS_TEXT;
        }
        double openMetrics = -1;
        double text = -1;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = quality(parts);
            if (type.equals(OPENMETRICS_TYPE)) {
                openMetrics = Math.max(openMetrics, q);
            } else if (type.equals(TEXT_TYPE)) {
                text = Math.max(text, q);
            }
        }
        return openMetrics > 0 && openMetrics >= text ? OPENMETRICS : PROMETHEUS_TEXT;
    }

    private static double quality(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String p = parameters[i].trim();
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2));
                } catch (NumberFormatException e) {
                    return 0; // RFC 9110 §12.4.2: a malformed weight makes the range unusable
                }
            }
        }
        return 1.0;
    }
}
