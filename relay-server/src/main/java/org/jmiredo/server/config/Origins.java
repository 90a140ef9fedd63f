package org.jmiredo.server.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;

/** Turns Typesafe Config origins into the {@code FILE:LINE} an operator can open in an editor. */
final class Origins {
    /** The description Typesafe Config gives to {@code ConfigFactory.systemEnvironmentOverrides()}. */
    private static final String ENV_OVERRIDES = "env variables";

    private Origins() {}

    /**
     * {@code relay.conf:12}, {@code reference.conf:40}, or for an environment override the variable that
     * set it, {@code environment variable CONFIG_FORCE_jmiredo_relay_bind__port}.
     */
    static String format(ConfigOrigin origin, String path) {
        if (origin == null) {
            return "(unknown origin)";
        }
        String where;
        if (origin.filename() != null) {
            where = origin.filename();
        } else if (origin.resource() != null) {
            where = origin.resource();
        } else if (origin.description().startsWith(ENV_OVERRIDES)) {
            return "environment variable " + envVariable(path);
        } else {
            where = origin.description();
        }
        return origin.lineNumber() > 0 ? where + ":" + origin.lineNumber() : where;
    }

    /** The CONFIG_FORCE_ variable that sets {@code path} (Typesafe Config: '.' → '_', '-' → '__', '_' → '___'). */
    static String envVariable(String path) {
        StringBuilder name = new StringBuilder("CONFIG_FORCE_");
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            switch (c) {
                case '.' -> name.append('_');
                case '-' -> name.append("__");
                case '_' -> name.append("___");
                default -> name.append(c);
            }
        }
        return name.toString();
    }

    /**
     * A Typesafe Config exception as one line {@code FILE:LINE: message}. Its own message starts with the
     * origin's description ("relay.conf: 3: ..."), which is replaced by the FILE:LINE form.
     */
    static String format(ConfigException e) {
        String message = e.getMessage();
        ConfigOrigin origin = e.origin();
        if (origin == null) {
            return message;
        }
        String prefix = origin.description() + ": ";
        String rest = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        return format(origin, "") + ": " + rest;
    }
}
