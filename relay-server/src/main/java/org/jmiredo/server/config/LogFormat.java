package org.jmiredo.server.config;

import java.util.Locale;

/** How log lines are written. */
public enum LogFormat {
    /** Human-readable lines. */
    TEXT,
    /** One JSON object per line, for log shippers. */
    JSON;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException with the reason */
    public static LogFormat parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("must be text or json, got \"" + text + "\"");
        };
    }
}
