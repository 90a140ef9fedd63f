package org.jmiredo.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.jmiredo.proto.Ipv4;

/**
 * Reads Miredo's configuration files, miredo.conf(5) and miredo-server.conf(5): one {@code Directive value}
 * per line, directive names case-insensitive, blank lines and lines starting with '#' ignored. The relay
 * directives become a configuration layer over the same keys as the HOCON file (with their file and line
 * as origin), so both syntaxes end in the same records. Errors read {@code FILE:LINE: directive "X": reason}.
 */
public final class MiredoConfParser {
    /**
     * @param overlay the directives as {@code jmiredo.*} keys
     * @param server ServerBindAddress / ServerBindAddress2, when the file has them
     */
    public record Result(Config overlay, Optional<TeredoServerConfig> server) {}

    private final String file;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> seen = new HashMap<>();
    private Config overlay = ConfigFactory.empty();
    private int serverPrimary;
    private int serverPrimaryLine;
    private int serverSecondary;

    private MiredoConfParser(String file) {
        this.file = file;
    }

    public static Result parse(Path path) throws InvalidConfigException {
        ConfigLoader.requireReadable(path);
        try {
            // Decoded leniently: a stray Latin-1 byte in a comment must not make the file unreadable.
            String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
            return parse(path.toString(), text.lines().toList());
        } catch (IOException e) {
            throw new InvalidConfigException(path + ": cannot read: " + e.getMessage());
        }
    }

    /** @param file the name used in error messages and origins */
    public static Result parse(String file, List<String> lines) throws InvalidConfigException {
        MiredoConfParser parser = new MiredoConfParser(file);
        for (int i = 0; i < lines.size(); i++) {
            parser.line(i + 1, lines.get(i));
        }
        Optional<TeredoServerConfig> server = parser.server();
        if (!parser.problems.isEmpty()) {
            throw new InvalidConfigException(parser.problems);
        }
        return new Result(parser.overlay, server);
    }

    private void line(int number, String text) {
        String line = text.strip();
        if (line.isEmpty() || line.startsWith("#")) {
            return;
        }
        String[] words = line.split("\\s+");
        String directive = words[0];
        if (words.length < 2 || words[1].startsWith("#")) {
            problem(number, directive, "missing value");
            return;
        }
        if (words.length > 2 && !words[2].startsWith("#")) {
            problem(number, directive, "unexpected text after the value: \"" + words[2] + "\"");
            return;
        }
        String key = directive.toLowerCase(Locale.ROOT);
        Integer first = seen.putIfAbsent(key, number);
        if (first != null) {
            problem(number, directive, "given twice (first at line " + first + ")");
            return;
        }
        try {
            apply(number, key, words[1]);
        } catch (IllegalArgumentException e) {
            problem(number, directive, e.getMessage());
        }
    }

    /** One directive; throws IllegalArgumentException with the reason when the value is bad. */
    private void apply(int line, String directive, String value) {
        switch (directive) {
            case "relaytype" -> set(line, "jmiredo.relay.type", RelayType.parse(value).label());
            case "interfacename" -> set(line, "jmiredo.tun.name", ValueParsers.interfaceName(value));
            case "bindaddress" -> set(line, "jmiredo.relay.bind-address", checked(value, ValueParsers::bindAddress));
            case "bindport" -> set(line, "jmiredo.relay.bind-port", ValueParsers.port(ValueParsers.integer(value)));
            case "prefix" -> set(line, "jmiredo.relay.prefix",
                    ValueParsers.formatPrefix(ValueParsers.teredoPrefix(value)));
            case "interfacemtu" -> set(line, "jmiredo.tun.mtu", ValueParsers.mtu(ValueParsers.integer(value)));
            case "syslogfacility" -> set(line, "jmiredo.logging.syslog-facility", facility(value));
            case "serveraddress", "serveraddress2" -> throw new IllegalArgumentException(
                    "the Teredo client role is not supported yet (this is a client directive)");
            case "serverbindaddress" -> {
                serverPrimary = ValueParsers.globalIpv4(value);
                serverPrimaryLine = line;
            }
            case "serverbindaddress2" -> serverSecondary = ValueParsers.globalIpv4(value);
            default -> throw new IllegalArgumentException("unknown directive");
        }
    }

    private Optional<TeredoServerConfig> server() {
        if (serverPrimary == 0) {
            if (serverSecondary != 0) {
                problems.add(file + ":" + seen.get("serverbindaddress2")
                        + ": directive \"ServerBindAddress2\": needs ServerBindAddress as well");
            }
            return Optional.empty();
        }
        // miredo-server.conf(5): the secondary address defaults to the primary plus one.
        int secondary = serverSecondary != 0 ? serverSecondary : serverPrimary + 1;
        if (secondary == serverPrimary) {
            problems.add(file + ":" + serverPrimaryLine
                    + ": directive \"ServerBindAddress\": the secondary server address must differ from the primary");
        }
        // The same values as jmiredo.server keys, so that `jmiredo server --miredo-conf` and checkconf read them
        // like the HOCON file's (Prefix and InterfaceMTU reach the server through relay.prefix and tun.mtu).
        set(serverPrimaryLine, "jmiredo.server.primary-address", Ipv4.toString(serverPrimary));
        set(serverSecondary != 0 ? seen.get("serverbindaddress2") : serverPrimaryLine,
                "jmiredo.server.secondary-address", Ipv4.toString(secondary));
        return Optional.of(new TeredoServerConfig(serverPrimary, secondary));
    }

    private static String checked(String value, ToIntFunction<String> parser) {
        parser.applyAsInt(value);
        return value;
    }

    private static String facility(String value) {
        return SyslogFacility.parse(value).map(SyslogFacility::label).orElse("none");
    }

    private void set(int line, String path, Object value) {
        overlay = overlay.withValue(path, ConfigValueFactory.fromAnyRef(value)
                .withOrigin(ConfigOriginFactory.newFile(file).withLineNumber(line)));
    }

    private void problem(int line, String directive, String reason) {
        problems.add(file + ":" + line + ": directive \"" + directive + "\": " + reason);
    }
}
