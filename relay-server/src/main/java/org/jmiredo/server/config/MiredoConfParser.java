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
import java.util.function.ToIntFunction;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.proto.Ipv4;

/**
 * Reads Miredo's configuration files, miredo.conf(5) and miredo-server.conf(5): one {@code Directive value}
 * per line, directive names case-insensitive, blank lines and lines starting with '#' ignored. The relay
 * directives become a configuration layer over the same keys as the HOCON file (with their file and line
 * as origin), so both syntaxes end in the same records; so do the server directives ({@code jmiredo.server}).
 * Errors read {@code FILE:LINE: directive "X": reason}.
 */
public final class MiredoConfParser {
    /**
     * @param overlay the directives as {@code jmiredo.*} keys
     * @param roleDirectives the directives read that only one role uses (the relay's, or the server's)
     */
    public record Result(Config overlay, List<RoleDirective> roleDirectives) {}

    private final String file;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> seen = new HashMap<>();
    private final List<RoleDirective> roleDirectives = new ArrayList<>();
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
        parser.serverKeys();
        if (!parser.problems.isEmpty()) {
            throw new InvalidConfigException(parser.problems);
        }
        return new Result(parser.overlay, List.copyOf(parser.roleDirectives));
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
        DataPathRole role = onlyRole(key);
        if (role != null) {
            roleDirectives.add(new RoleDirective(file + ":" + number, directive, role));
        }
        try {
            apply(number, key, words[1]);
        } catch (IllegalArgumentException e) {
            problem(number, directive, e.getMessage());
        }
    }

    /** The one role that reads a directive; null when both do (Prefix, InterfaceMTU, SyslogFacility) or none. */
    private static DataPathRole onlyRole(String directive) {
        return switch (directive) {
            case "relaytype", "interfacename", "bindaddress", "bindport" -> DataPathRole.RELAY;
            case "serverbindaddress", "serverbindaddress2" -> DataPathRole.SERVER;
            default -> null;
        };
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
                    "a client "
                    + "directive, not read yet: configure `jmiredo client` with jmiredo.client.server-address");
            case "serverbindaddress" -> {
                serverPrimary = ValueParsers.globalIpv4(value);
                serverPrimaryLine = line;
            }
            case "serverbindaddress2" -> serverSecondary = ValueParsers.globalIpv4(value);
            default -> throw new IllegalArgumentException("unknown directive");
        }
    }

    /**
     * ServerBindAddress and ServerBindAddress2 as the {@code jmiredo.server} addresses, as a pair: the file
     * names the server's two addresses, so a ServerBindAddress alone sets the secondary to "" (the primary plus
     * one, miredo-server.conf(5)), whatever another layer said. The records' checks (distinct, global) then
     * name these lines. Prefix and InterfaceMTU reach the server through {@code jmiredo.relay.prefix} and
     * {@code jmiredo.tun.mtu}, which its own keys default to.
     */
    private void serverKeys() {
        if (serverPrimary == 0) {
            if (serverSecondary != 0) {
                problems.add(file + ":" + seen.get("serverbindaddress2")
                        + ": directive \"ServerBindAddress2\": needs ServerBindAddress as well");
            }
            return;
        }
        set(serverPrimaryLine, "jmiredo.server.primary-address", Ipv4.toString(serverPrimary));
        if (serverSecondary != 0) {
            set(seen.get("serverbindaddress2"), "jmiredo.server.secondary-address", Ipv4.toString(serverSecondary));
        } else {
            set(serverPrimaryLine, "jmiredo.server.secondary-address", "");
        }
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
