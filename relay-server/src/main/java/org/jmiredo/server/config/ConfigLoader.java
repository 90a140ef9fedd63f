package org.jmiredo.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jmiredo.metrics.DataPathRole;

/**
 * Loads the daemon's configuration. Layers, lowest first: {@code reference.conf} in the jar, the HOCON
 * file ({@code --config}), the Miredo file ({@code --miredo-conf}), environment overrides in Typesafe
 * Config's {@code CONFIG_FORCE_} convention (only keys under {@code jmiredo}; one of ours in another case or
 * without the root is refused), and command-line options.
 * Every key a layer sets must exist in {@code reference.conf}: a misspelt key is an error, not a no-op.
 */
public final class ConfigLoader {
    static final String ROOT = "jmiredo";

    private ConfigLoader() {}

    /**
     * What to load.
     *
     * @param hocon the {@code --config} file
     * @param miredo the {@code --miredo-conf} file
     * @param environment environment overrides, normally {@link ConfigFactory#systemEnvironmentOverrides()}
     * @param commandLine options given on the command line (see {@link #commandLineOption})
     */
    public record Sources(Optional<Path> hocon, Optional<Path> miredo, Config environment, Config commandLine) {
        /** Only the built-in defaults. */
        public static Sources none() {
            return new Sources(Optional.empty(), Optional.empty(), ConfigFactory.empty(), ConfigFactory.empty());
        }

        public Sources withHocon(Path file) {
            return new Sources(Optional.of(file), miredo, environment, commandLine);
        }

        public Sources withMiredo(Path file) {
            return new Sources(hocon, Optional.of(file), environment, commandLine);
        }
    }

    /** A one-key layer for a command-line option; errors in it name the option. */
    public static Config commandLineOption(String path, Object value, String option) {
        ConfigValue v = ConfigValueFactory.fromAnyRef(value)
                .withOrigin(ConfigOriginFactory.newSimple("command-line option " + option));
        return ConfigFactory.empty().withValue(path, v);
    }

    /** The resource of the built-in defaults: the origin of every value no operator set. */
    static final String REFERENCE = "reference.conf";

    /** The built-in defaults, {@code reference.conf}. */
    public static Config reference() {
        return ConfigFactory.parseResources(
                ConfigLoader.class.getClassLoader(),
                REFERENCE,
                ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
    }

    /** The defaults alone; they are valid by construction (and a test checks it). */
    public static DaemonConfig defaults() {
        try {
            return load(Sources.none());
        } catch (InvalidConfigException e) {
            throw new IllegalStateException("reference.conf is invalid: " + e.getMessage(), e);
        }
    }

    /** @throws InvalidConfigException with one FILE:LINE: KEY: reason line per problem */
    public static DaemonConfig load(Sources sources) throws InvalidConfigException {
        return load(sources, InetAddress::getAllByName, null);
    }

    /**
     * As {@link #load(Sources)}, for the command of role {@code running}: a Miredo file it refuses is refused
     * before any of the file's host names is looked up, and the names only other roles read are not looked up
     * ({@link MiredoConfParser#parse(Path, MiredoConfParser.Resolver, DataPathRole)}). The command still calls
     * {@link DaemonConfig#requireRole}, for the HOCON keys.
     */
    public static DaemonConfig load(Sources sources, DataPathRole running) throws InvalidConfigException {
        return load(sources, InetAddress::getAllByName, running);
    }

    /** As {@link #load(Sources)}, with the Miredo file's host names looked up by {@code resolver}: a test's. */
    static DaemonConfig load(Sources sources, MiredoConfParser.Resolver resolver) throws InvalidConfigException {
        return load(sources, resolver, null);
    }

    /** As {@link #load(Sources, DataPathRole)}, with the Miredo file's host names looked up by {@code resolver}. */
    static DaemonConfig load(Sources sources, MiredoConfParser.Resolver resolver, DataPathRole running)
            throws InvalidConfigException {
        Config reference = reference();
        Config stack = reference;
        Config hocon = ConfigFactory.empty();
        List<String> used = new ArrayList<>(List.of(REFERENCE));
        if (sources.hocon().isPresent()) {
            hocon = parseHocon(sources.hocon().get());
            stack = hocon.withFallback(stack);
            used.add(sources.hocon().get().toString());
        }
        List<RoleDirective> roleDirectives = List.of();
        NameRecorder names = new NameRecorder(resolver, "");
        if (sources.miredo().isPresent()) {
            names = new NameRecorder(resolver, sources.miredo().get().toString());
            MiredoConfParser.Result miredo =
                    MiredoConfParser.parse(sources.miredo().get(), names, running);
            stack = miredo.overlay().withFallback(stack);
            roleDirectives = miredo.roleDirectives();
            used.add(sources.miredo().get().toString());
        }
        Config env =
                sources.environment().hasPath(ROOT) ? sources.environment().withOnlyPath(ROOT) : ConfigFactory.empty();
        if (!env.isEmpty()) {
            stack = env.withFallback(stack);
            used.add("environment");
        }
        if (!sources.commandLine().isEmpty()) {
            stack = sources.commandLine().withFallback(stack);
            used.add("command line");
        }
        List<String> sections = sectionsSetAsValues(List.of(hocon, env, sources.commandLine()), reference);
        if (!sections.isEmpty()) {
            // The merge already lost what such a value hid (a command-line option over CONFIG_FORCE_jmiredo=1
            // left an object with that one key): every other error would be about keys nobody unset.
            throw new InvalidConfigException(sections);
        }
        Config resolved = resolve(stack);
        List<String> problems = unknownKeys(resolved, reference);
        problems.addAll(misnamedOverrides(sources.environment(), reference));
        try {
            DaemonConfig config = ConfigMapper.map(resolved, hocon, roleDirectives, names, String.join(" < ", used));
            if (problems.isEmpty()) {
                return config;
            }
        } catch (InvalidConfigException e) {
            problems.addAll(e.problems());
        }
        throw new InvalidConfigException(problems);
    }

    private static Config parseHocon(Path file) throws InvalidConfigException {
        requireReadable(file);
        // Typesafe Config looks for a relative include through the including file's parent, which a bare name
        // ("--config relay.conf") has not: the include beside it was "not found". "./" gives it one.
        Path parsed = file.getParent() == null ? Path.of(".").resolve(file) : file;
        try {
            return ConfigFactory.parseFile(
                    parsed.toFile(),
                    ConfigParseOptions.defaults()
                            .setAllowMissing(false)
                            .setSyntax(ConfigSyntax.CONF)
                            .setIncluder(new RequiredIncludes(file)));
        } catch (ConfigException e) {
            throw new InvalidConfigException(Origins.format(e) + miredoHint(file));
        }
    }

    /** An operator who passes miredo.conf to --config gets told which option reads it. */
    private static String miredoHint(Path file) {
        try {
            List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            return ConfigFormat.detect(lines) == ConfigFormat.MIREDO
                    ? " (this looks like Miredo's miredo.conf syntax: use --miredo-conf, or checkconf --miredo)"
                    : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Fails with "FILE: no such file" and the like, before a parser says it less plainly. */
    static void requireReadable(Path file) throws InvalidConfigException {
        if (!Files.exists(file)) {
            throw new InvalidConfigException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException(file + ": not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new InvalidConfigException(file + ": permission denied");
        }
    }

    private static Config resolve(Config stack) throws InvalidConfigException {
        try {
            return stack.resolve();
        } catch (ConfigException e) {
            throw new InvalidConfigException(Origins.format(e));
        }
    }

    /**
     * The {@code CONFIG_FORCE_} variables outside the {@code jmiredo} root are another program's and not read,
     * unless one names a key of ours in another case or without the root ({@code
     * CONFIG_FORCE_JMIREDO_RELAY_BIND__PORT}, the usual way to write a variable, or {@code
     * CONFIG_FORCE_relay_bind__port}): that one was meant for us, and used to be ignored without a word while the
     * default stayed. Typesafe Config's names are case-sensitive, so it is refused with the name it must have.
     */
    private static List<String> misnamedOverrides(Config environment, Config reference) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : environment.entrySet()) {
            String key = entry.getKey();
            if (key.startsWith(ROOT + ".")) {
                continue;
            }
            String lower = key.toLowerCase(Locale.ROOT);
            String meant = lower.startsWith(ROOT + ".") ? lower : ROOT + "." + lower;
            if (isPath(reference, meant)) {
                problems.add(Origins.format(entry.getValue().origin(), key) + ": not read (did you mean "
                        + Origins.envVariable(meant) + "? jmiredo reads CONFIG_FORCE_jmiredo_..., in that case)");
            }
        }
        problems.sort(Comparator.naturalOrder());
        return problems;
    }

    /**
     * A value where {@code reference.conf} has a section ({@code CONFIG_FORCE_jmiredo=1}, {@code jmiredo.relay = 5}):
     * one line naming where it was set and a key it could have meant.
     */
    private static List<String> sectionsSetAsValues(List<Config> layers, Config reference) {
        List<String> problems = new ArrayList<>();
        for (Config layer : layers) {
            collectSectionsSetAsValues(layer.root(), List.of(), reference, problems);
        }
        problems.sort(Comparator.naturalOrder());
        return problems;
    }

    private static void collectSectionsSetAsValues(
            ConfigObject object, List<String> parent, Config reference, List<String> problems) {
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            List<String> keys = new ArrayList<>(parent);
            keys.add(entry.getKey());
            String path = ConfigUtil.joinPath(keys);
            ConfigValue value = entry.getValue();
            ConfigValueType type;
            try {
                type = value.valueType();
            } catch (ConfigException.NotResolved substitution) {
                continue; // ${...}: judged once resolved
            }
            if (type == ConfigValueType.OBJECT) {
                collectSectionsSetAsValues((ConfigObject) value, keys, reference, problems);
            } else if (isPath(reference, path) && reference.getValue(path).valueType() == ConfigValueType.OBJECT) {
                String example = reference.getConfig(path).entrySet().stream()
                        .map(e -> path + "." + e.getKey())
                        .sorted()
                        .findFirst()
                        .orElse(path);
                boolean env = Origins.format(value.origin(), path).startsWith("environment variable");
                problems.add(Origins.format(value.origin(), path) + ": " + path + " is a section of settings, not a "
                        + "setting: set one of its keys, e.g. " + (env ? Origins.envVariable(example) : example));
            }
        }
    }

    private static boolean isPath(Config config, String path) {
        try {
            return config.hasPath(path);
        } catch (ConfigException.BadPath e) {
            return false;
        }
    }

    /**
     * Every leaf that {@code reference.conf} lacks came from a user layer: report it where it was written,
     * with the nearest known key as a hint.
     */
    private static List<String> unknownKeys(Config resolved, Config reference) {
        List<Map.Entry<String, ConfigValue>> unknown = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : resolved.entrySet()) {
            if (!reference.hasPath(entry.getKey())) {
                unknown.add(entry);
            }
        }
        unknown.sort(Comparator.comparing((Map.Entry<String, ConfigValue> e) ->
                        String.valueOf(e.getValue().origin().filename()))
                .thenComparingInt(e -> e.getValue().origin().lineNumber()));
        List<String> problems = new ArrayList<>();
        List<String> known =
                reference.entrySet().stream().map(Map.Entry::getKey).toList();
        for (Map.Entry<String, ConfigValue> entry : unknown) {
            String key = entry.getKey();
            boolean rootless = !key.startsWith(ROOT + "."); // written without the root: "relay { ... }"
            Optional<String> nearest = Optional.of(ROOT + "." + key)
                    .filter(k -> rootless && known.contains(k))
                    .or(() -> KeySuggestions.sameName(key, known)) // in the wrong section: "relay { mtu = ... }"
                    .or(() -> KeySuggestions.nearest(key, known))
                    .or(() -> rootless ? KeySuggestions.nearest(ROOT + "." + key, known) : Optional.empty());
            String hint = nearest.map(k -> " (did you mean " + k + "?)").orElse("");
            problems.add(Origins.format(entry.getValue().origin(), key) + ": " + key + ": unknown key" + hint);
        }
        return problems;
    }
}
