package org.jmiredo.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;

/** Turns Typesafe Config origins into the {@code FILE:LINE} an operator can open in an editor. */
final class Origins {
    /** The description Typesafe Config gives to {@code ConfigFactory.systemEnvironmentOverrides()}. */
    private static final String ENV_OVERRIDES = "env variables overrides";

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
        } else if (origin.description().equals(ENV_OVERRIDES)) {
            return "environment variable " + envVariable(path);
        } else {
            where = origin.description();
        }
        return origin.lineNumber() > 0 ? where + ":" + origin.lineNumber() : where;
    }

    /**
     * The {@code ${}} expression, as written in the HOCON file {@code written} (unresolved), that gave the
     * value at {@code path} when that value has no file of its own ({@code origin}: the environment, or a
     * concatenation with it); null for any other value. Resolution gives such a value the environment's
     * origin, which names neither the file nor the line an operator has to change.
     */
    static ConfigValue substitution(ConfigOrigin origin, Config written, String path) {
        if (origin.filename() != null
                || origin.resource() != null
                || origin.description().equals(ENV_OVERRIDES)
                || origin.description().startsWith("command-line option")) {
            return null;
        }
        ConfigValue value = written.root();
        try {
            for (String key : ConfigUtil.splitPath(path)) {
                if (!(value instanceof ConfigObject object) || (value = object.get(key)) == null) {
                    return null;
                }
            }
        } catch (ConfigException notAnObjectYet) {
            return null; // an unresolved object on the way: nothing to name
        }
        return value.origin().filename() != null ? value : null;
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
        return format(e, "");
    }

    /**
     * {@link #format(ConfigException)} for an exception raised at {@code path} (the key a value there breaks,
     * such as a section written as a value): an environment override is named by its variable, which only
     * the path gives.
     */
    static String format(ConfigException e, String path) {
        String message = e.getMessage();
        ConfigOrigin origin = e.origin();
        if (origin == null) {
            return message;
        }
        String prefix = origin.description() + ": ";
        String rest = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        return format(origin, path) + ": " + plainer(rest);
    }

    /** Typesafe Config's words for a file that ends inside a section ({@link #plainer}). */
    private static final String UNCLOSED_AT_END = "expecting a close parentheses ')' here, not: end of file";

    /**
     * Typesafe Config's parser says a file that ends inside a section ({@code jmiredo { tun {} }} cut short: a file
     * truncated mid-object, a closing brace forgotten) in words that name a parenthesis: said plainly first, its own
     * words kept after it.
     */
    static String plainer(String parserMessage) {
        return parserMessage.startsWith(UNCLOSED_AT_END)
                ? "the file ends inside a section: a closing '}' is missing (a file cut short?) (" + parserMessage + ")"
                : parserMessage;
    }
}
