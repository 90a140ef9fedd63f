package org.jmiredo.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed reads from a resolved configuration that collect problems instead of stopping at the first, each
 * one line {@code FILE:LINE: KEY: reason}. A read that fails returns a harmless fallback so that the
 * caller can go on reading; the caller checks {@link #problems()} before building records.
 */
final class ConfigReader {
    private final Config config;
    private final Config written;
    private final List<String> problems = new ArrayList<>();
    /** Sections written as a value ("peers = 5"): reported once, not once per key read beneath them. */
    private final Set<String> brokenSections = new HashSet<>();

    /**
     * @param config the resolved configuration
     * @param written the HOCON file's layer before resolution, where a {@code ${}} substitution is found
     */
    ConfigReader(Config config, Config written) {
        this.config = config;
        this.written = written;
    }

    List<String> problems() {
        return problems;
    }

    /** An integer in [min, max]; a quoted decimal (environment overrides are strings) is accepted too. */
    long integer(String path, long min, long max) {
        ConfigValue value = value(path);
        if (value == null) {
            return min;
        }
        long n;
        Object raw = value.unwrapped();
        if (value.valueType() == ConfigValueType.NUMBER && (raw instanceof Integer || raw instanceof Long)) {
            n = ((Number) raw).longValue();
        } else if (value.valueType() == ConfigValueType.STRING) {
            try {
                n = ValueParsers.integer((String) raw);
            } catch (IllegalArgumentException e) {
                return fail(path, value, e.getMessage(), min);
            }
        } else {
            return fail(path, value, "must be an integer, got " + render(value), min);
        }
        if (n < min || n > max) {
            return fail(path, value, "must be " + min + "-" + max + ", got " + n, min);
        }
        return n;
    }

    /** A size in bytes ("4 MiB", "512k", 1048576) in [min, max]. */
    long bytes(String path, long min, long max) {
        ConfigValue value = value(path);
        if (value == null) {
            return min;
        }
        long n;
        try {
            n = config.getBytes(path);
        } catch (ConfigException e) {
            return fail(path, value, "must be a size such as \"4 MiB\", got " + render(value), min);
        }
        if (n < min || n > max) {
            return fail(path, value, "must be " + min + "-" + max + " bytes, got " + n, min);
        }
        return n;
    }

    /** A duration ("60s", "2m", or milliseconds) in [min, max]. */
    Duration duration(String path, Duration min, Duration max) {
        ConfigValue value = value(path);
        if (value == null) {
            return min;
        }
        Duration d;
        try {
            d = config.getDuration(path);
        } catch (ConfigException e) {
            return fail(path, value, "must be a duration such as \"60s\", got " + render(value), min);
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            String range = min.toSeconds() + "s-" + max.toSeconds() + "s";
            return fail(path, value, "must be " + range + ", got " + writtenDuration(path), min);
        }
        return d;
    }

    /**
     * A duration's value as written, for a message: HOCON reads a number without a unit as milliseconds, so
     * "idle-timeout = 60" is 60 ms, which is said with the fix.
     */
    String writtenDuration(String path) {
        ConfigValue value = value(path);
        if (value == null) {
            return "";
        }
        String written = String.valueOf(value.unwrapped()).trim();
        // An environment override is a string: "60" without a unit is milliseconds there too.
        if (value.valueType() == ConfigValueType.NUMBER || written.matches("[0-9]+")) {
            return written + " (milliseconds: a duration without a unit; write " + written + "s for seconds)";
        }
        return written;
    }

    boolean bool(String path) {
        ConfigValue value = value(path);
        if (value == null) {
            return false;
        }
        try {
            return config.getBoolean(path);
        } catch (ConfigException e) {
            return fail(path, value, "must be true or false, got " + render(value), false);
        }
    }

    /** A string (numbers and booleans are taken as written) turned into a value by {@code parser}. */
    <T> T parsed(String path, Function<String, T> parser, T fallback) {
        ConfigValue value = value(path);
        if (value == null) {
            return fallback;
        }
        if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
            return fail(path, value, "must be a single value, got " + render(value), fallback);
        }
        try {
            return parser.apply(String.valueOf(value.unwrapped()));
        } catch (IllegalArgumentException e) {
            return fail(path, value, e.getMessage(), fallback);
        }
    }

    /**
     * A list of strings, each turned into a value by {@code parser}; a single string (an environment override)
     * is split at commas and white space. Each bad element is reported at its own line; {@code example}, a list
     * as written, is named when the value is no list at all.
     */
    <T> List<T> list(String path, Function<String, T> parser, String example) {
        ConfigValue value = value(path);
        if (value == null) {
            return List.of();
        }
        List<ConfigValue> elements = new ArrayList<>();
        if (value instanceof ConfigList list) {
            elements.addAll(list);
        } else if (value.valueType() == ConfigValueType.STRING) {
            for (String part : ((String) value.unwrapped()).split("[,\\s]+")) {
                if (!part.isEmpty()) {
                    elements.add(ConfigValueFactory.fromAnyRef(part).withOrigin(value.origin()));
                }
            }
        } else {
            return fail(path, value, "must be a list such as " + example + ", got " + render(value), List.of());
        }
        List<T> parsed = new ArrayList<>();
        for (ConfigValue element : elements) {
            if (element.valueType() == ConfigValueType.OBJECT || element.valueType() == ConfigValueType.LIST) {
                fail(path, element, "must hold single values, got " + render(element), null);
                continue;
            }
            try {
                parsed.add(parser.apply(String.valueOf(element.unwrapped())));
            } catch (IllegalArgumentException e) {
                fail(path, element, e.getMessage(), null);
            }
        }
        return parsed;
    }

    /** The file {@code path}'s value came from, null when none (a default, the environment). */
    String originFile(String path) {
        ConfigValue value = value(path);
        return value == null ? null : value.origin().filename();
    }

    /** Records a problem found by a cross-check, at the location of {@code path}'s value. */
    void problem(String path, String reason) {
        ConfigValue value = value(path);
        if (value != null) {
            fail(path, value, reason, null);
        }
    }

    private ConfigValue value(String path) {
        try {
            return config.getValue(path);
        } catch (ConfigException.Null e) {
            problems.add(Origins.format(e.origin(), path) + ": " + path + ": must not be null");
        } catch (ConfigException e) {
            // A parent written as a value ("relay = 5") or a dropped section: say which key was being read.
            String problem = Origins.format(e, brokenKey(path));
            if (brokenSections.add(problem)) {
                problems.add(problem + " (reading " + path + ")");
            }
        }
        return null;
    }

    /**
     * The first key on the way to {@code path} whose value is not a section ("relay = 5" breaks
     * jmiredo.relay.type at jmiredo.relay), or {@code path} itself.
     */
    private String brokenKey(String path) {
        List<String> keys = ConfigUtil.splitPath(path);
        ConfigValue value = config.root();
        for (int i = 0; i < keys.size(); i++) {
            if (!(value instanceof ConfigObject object) || (value = object.get(keys.get(i))) == null) {
                return i == 0 ? path : ConfigUtil.joinPath(keys.subList(0, i));
            }
        }
        return path;
    }

    /** The value as the operator wrote it, on one line without origin comments. */
    private static String render(ConfigValue value) {
        return value.render(ConfigRenderOptions.concise());
    }

    /**
     * The line {@code FILE:LINE: KEY: reason} at {@code path}'s value, without recording it: for a value that
     * only some roles refuse.
     */
    String located(String path, String reason) {
        ConfigValue value = value(path);
        return value == null ? path + ": " + reason : line(path, value, reason);
    }

    /** Where {@code path}'s value was set: {@code FILE:LINE}, or the environment variable or option. */
    String where(String path) {
        ConfigValue value = value(path);
        return value == null ? path : Origins.format(value.origin(), path);
    }

    /** True when a layer above {@code reference.conf} sets {@code path}: a file, the environment, the command line. */
    boolean setByOperator(String path) {
        return config.hasPath(path)
                && !ConfigLoader.REFERENCE.equals(config.getValue(path).origin().resource());
    }

    /** The keys under {@code section} the operator set ({@link #setByOperator}), in the order they were written. */
    List<String> setByOperatorUnder(String section) {
        if (!config.hasPath(section)) {
            return List.of();
        }
        return config.getConfig(section).entrySet().stream()
                .map(e -> section + "." + e.getKey())
                .filter(this::setByOperator)
                .sorted(Comparator.comparing((String key) ->
                                String.valueOf(config.getValue(key).origin().filename()))
                        .thenComparingInt(key -> config.getValue(key).origin().lineNumber()))
                .toList();
    }

    private <T> T fail(String path, ConfigValue value, String reason, T fallback) {
        problems.add(line(path, value, reason));
        return fallback;
    }

    private String line(String path, ConfigValue value, String reason) {
        ConfigValue substitution = Origins.substitution(value.origin(), written, path);
        if (substitution != null) {
            return Origins.format(substitution.origin(), path) + ": " + path + ": " + reason + " (from "
                    + render(substitution) + ")";
        }
        return Origins.format(value.origin(), path) + ": " + path + ": " + reason;
    }
}
