package org.jmiredo.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.ToIntFunction;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.proto.Ipv4;

/**
 * Reads Miredo's configuration files, miredo.conf(5) and miredo-server.conf(5): one {@code Directive value}
 * per line (words after the value ignored, as Miredo does), directive names case-insensitive, blank lines and
 * lines starting with '#' ignored, values read as Miredo reads them ({@link MiredoValues}). The relay
 * directives become a configuration layer over the same keys as the HOCON file (with their file and line
 * as origin), so both syntaxes end in the same records; so do the server directives ({@code jmiredo.server})
 * and the client's ({@code jmiredo.client}). A file is a client's, as in Miredo, when its RelayType is client
 * or autoclient, or when it has none but names a ServerAddress (Miredo's default type is client, and
 * Debian's miredo.conf says only InterfaceName and ServerAddress); its BindAddress and BindPort are then
 * the client's. ServerAddress, ServerBindAddress and ServerBindAddress2 may be host names, resolved here.
 * Errors read {@code FILE:LINE: directive "X": reason}.
 */
public final class MiredoConfParser {
    /**
     * @param overlay the directives as {@code jmiredo.*} keys
     * @param roleDirectives the directives read that only one role uses (the relay's, the server's, or the client's)
     */
    public record Result(Config overlay, List<RoleDirective> roleDirectives) {}

    /** Looks a ServerAddress name up; the system's resolver, or a test's. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String name) throws UnknownHostException;
    }

    private record Line(int number, String directive, String key, String value) {}

    private final String file;
    private final Resolver resolver;
    /** The role of the command that reads the file; null when none is running (checkconf, tests): every role's. */
    private final DataPathRole running;

    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> seen = new HashMap<>();
    private final List<Line> lines = new ArrayList<>();
    private final List<RoleDirective> roleDirectives = new ArrayList<>();
    private Config overlay = ConfigFactory.empty();
    private boolean client;
    private int serverPrimary;
    private int serverPrimaryLine;
    private int serverSecondary;

    private MiredoConfParser(String file, Resolver resolver, DataPathRole running) {
        this.file = file;
        this.resolver = resolver;
        this.running = running;
    }

    /** @param resolver looks ServerAddress names up: the system's resolver, or one that remembers the names */
    public static Result parse(Path path, Resolver resolver) throws InvalidConfigException {
        return parse(path, resolver, null);
    }

    /**
     * As {@link #parse(Path, Resolver)} for the command of role {@code running} (null: none, as checkconf): a
     * file it refuses (the relay a client's, the client a relay's) is refused before any name is looked up, and
     * the names of directives only another role reads, which it ignores, are not looked up.
     */
    public static Result parse(Path path, Resolver resolver, DataPathRole running) throws InvalidConfigException {
        ConfigLoader.requireReadable(path);
        try {
            // Decoded leniently: a stray Latin-1 byte in a comment must not make the file unreadable.
            String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
            return parse(path.toString(), text.lines().toList(), resolver, running);
        } catch (IOException e) {
            throw new InvalidConfigException(path + ": cannot read: " + e.getMessage());
        }
    }

    /** @param file the name used in error messages and origins */
    public static Result parse(String file, List<String> lines) throws InvalidConfigException {
        return parse(file, lines, InetAddress::getAllByName);
    }

    /** As {@link #parse(String, List)}, with ServerAddress names looked up by {@code resolver}. */
    public static Result parse(String file, List<String> lines, Resolver resolver) throws InvalidConfigException {
        return parse(file, lines, resolver, null);
    }

    /** As {@link #parse(String, List, Resolver)}, for the command of role {@code running} (see above). */
    static Result parse(String file, List<String> lines, Resolver resolver, DataPathRole running)
            throws InvalidConfigException {
        MiredoConfParser parser = new MiredoConfParser(file, resolver, running);
        for (int i = 0; i < lines.size(); i++) {
            parser.line(i + 1, lines.get(i));
        }
        parser.client = parser.clientFile();
        parser.refuseOtherRole();
        for (Line line : parser.lines) {
            parser.directive(line);
        }
        parser.serverKeys();
        if (!parser.problems.isEmpty()) {
            // In line order: syntax problems were found in the first pass, values in the second.
            parser.problems.sort(Comparator.comparingInt(parser::lineOf));
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
        // Miredo reads the first two words of a line and ignores the rest (sscanf " %31s %1023s" in conf.c).
        String key = directive.toLowerCase(Locale.ROOT);
        Integer first = seen.putIfAbsent(key, number);
        if (first != null) {
            problem(number, directive, "given twice (first at line " + first + ")");
            return;
        }
        lines.add(new Line(number, directive, key, words[1]));
    }

    /** Miredo's rule: RelayType client or autoclient, or no RelayType and a ServerAddress (client is the default). */
    private boolean clientFile() {
        for (Line line : lines) {
            if (line.key().equals("relaytype")) {
                return isClientType(line.value());
            }
        }
        return seen.containsKey("serveraddress") || seen.containsKey("serveraddress2");
    }

    /**
     * Before any name is looked up (the second pass): the running command's refusal of the other role's file,
     * as {@link DaemonConfig#requireRole} would say it, so that an offline host says "this file configures a
     * Teredo client" rather than that the client's ServerAddress does not resolve. Syntax problems come first.
     */
    private void refuseOtherRole() throws InvalidConfigException {
        if (running == null) {
            return;
        }
        for (Line line : lines) {
            DataPathRole role = onlyRole(line.key());
            if (role != null && choosesRole(line)) {
                RoleDirective chooser = new RoleDirective(file + ":" + line.number(), line.directive(), role, true);
                if (chooser.refusedBy(running)) {
                    List<String> refused = new ArrayList<>(problems);
                    refused.add(chooser.refusal());
                    throw new InvalidConfigException(refused);
                }
            }
        }
    }

    /** RelayType, or without one the ServerAddress that makes Miredo a client. */
    private boolean choosesRole(Line line) {
        return line.key().equals("relaytype")
                || client && !seen.containsKey("relaytype") && line.key().equals("serveraddress");
    }

    /**
     * A directive of another role than the running one whose value is a host name: the command ignores the
     * directive (and says so), so the name is not looked up; offline it would fail on a name nobody uses.
     */
    private boolean ignoredName(DataPathRole role, Line line) {
        if (running == null || role == running) {
            return false;
        }
        return switch (line.key()) {
            case "serveraddress", "serveraddress2", "bindaddress" -> isName(line.key());
            // A pair (serverKeys): both skipped, or a literal ServerBindAddress2 alone would need its primary. A
            // client's file refuses them whatever their value, with no lookup (applyClient).
            case "serverbindaddress", "serverbindaddress2" ->
                !client && (isName("serverbindaddress") || isName("serverbindaddress2"));
            default -> false;
        };
    }

    /** Whether the directive {@code key} is given a host name (not an inet_aton(3) form). */
    private boolean isName(String key) {
        for (Line line : lines) {
            if (line.key().equals(key)) {
                return MiredoValues.inetAton(line.value()).isEmpty();
            }
        }
        return false;
    }

    private static boolean isClientType(String value) {
        String type = value.toLowerCase(Locale.ROOT);
        return type.equals("client") || type.equals("autoclient"); // autoclient: an alias of client (miredo.conf(5))
    }

    private void directive(Line line) {
        DataPathRole role = onlyRole(line.key());
        if (role != null) {
            String origin = file + ":" + line.number();
            roleDirectives.add(new RoleDirective(origin, line.directive(), role, choosesRole(line)));
            if (ignoredName(role, line)) {
                return;
            }
        }
        try {
            if (client) {
                applyClient(line.number(), line.key(), line.value());
            } else {
                apply(line.number(), line.key(), line.value());
            }
        } catch (IllegalArgumentException e) {
            problem(line.number(), line.directive(), e.getMessage());
        }
    }

    /**
     * The one role that reads a directive; null when several do (Prefix, InterfaceMTU, SyslogFacility, and a
     * client's InterfaceName) or none.
     */
    private DataPathRole onlyRole(String directive) {
        return switch (directive) {
            case "relaytype", "bindaddress", "bindport" -> client ? DataPathRole.CLIENT : DataPathRole.RELAY;
            case "interfacename" -> client ? null : DataPathRole.RELAY;
            case "serveraddress", "serveraddress2" -> DataPathRole.CLIENT;
            case "serverbindaddress", "serverbindaddress2" -> DataPathRole.SERVER;
            default -> null;
        };
    }

    /** A client's file: its own directives, then those it shares with the relay's. */
    private void applyClient(int line, String directive, String value) {
        switch (directive) {
            case "relaytype" -> {} // client or autoclient: what made this a client's file
            case "serveraddress" -> set(line, "jmiredo.client.server-address", ipv4(value));
            case "serveraddress2" -> set(line, "jmiredo.client.server-address2", ipv4(value));
            case "bindaddress" ->
                set(line, "jmiredo.client.bind-address", checked(ipv4(value), ValueParsers::clientBindAddress));
            case "bindport" -> set(line, "jmiredo.client.bind-port", MiredoValues.unsigned16(value));
            case "prefix", "interfacemtu" ->
                throw new IllegalArgumentException("a relay directive in a client's "
                        + "file (RelayType client, or a ServerAddress): the client takes the prefix and MTU from its "
                        + "server's router advertisement; Miredo ignores it there and miredo-checkconf refuses it");
            case "serverbindaddress", "serverbindaddress2" ->
                throw new IllegalArgumentException(
                        "a server directive in a client's file (RelayType client, or a ServerAddress): miredo-server.conf "
                                + "is `jmiredo server --miredo-conf`");
            default -> apply(line, directive, value);
        }
    }

    /**
     * An IPv4 address in any form inet_aton(3) takes, or a host name resolved now to its first IPv4 address:
     * Miredo reads ServerAddress, ServerAddress2, BindAddress, ServerBindAddress and ServerBindAddress2 with
     * getaddrinfo(3) (its conf.c), which does both. The caller checks the address (global unicast...).
     */
    private String ipv4(String value) {
        OptionalInt literal = MiredoValues.inetAton(value);
        if (literal.isPresent()) {
            return Ipv4.toString(literal.getAsInt());
        }
        try {
            for (InetAddress address : resolver.resolve(value)) {
                if (address instanceof Inet4Address) {
                    return address.getHostAddress();
                }
            }
            throw new IllegalArgumentException("host name \"" + value + "\" has no IPv4 address");
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host name \"" + value + "\" does not resolve: check the name "
                    + "and the resolver (/etc/hosts, DNS)");
        }
    }

    /** One directive; throws IllegalArgumentException with the reason when the value is bad. */
    private void apply(int line, String directive, String value) {
        switch (directive) {
            case "relaytype" ->
                set(line, "jmiredo.relay.type", RelayType.parse(value).label());
            case "interfacename" -> set(line, "jmiredo.tun.name", ValueParsers.interfaceName(value));
            case "bindaddress" ->
                set(line, "jmiredo.relay.bind-address", checked(ipv4(value), ValueParsers::bindAddress));
            case "bindport" -> set(line, "jmiredo.relay.bind-port", relayPort(value));
            case "prefix" -> set(line, "jmiredo.relay.prefix", MiredoValues.prefix(value));
            case "interfacemtu" -> set(line, "jmiredo.tun.mtu", ValueParsers.mtu(MiredoValues.unsigned16(value)));
            case "syslogfacility" -> set(line, "jmiredo.logging.syslog-facility", facility(value));
            case "serveraddress", "serveraddress2" ->
                throw new IllegalArgumentException("a client directive in a relay's file (RelayType " + relayType()
                        + "): Miredo's client is " + "RelayType client");
            case "serverbindaddress" -> {
                serverPrimary = ValueParsers.globalIpv4(ipv4(value));
                serverPrimaryLine = line;
            }
            case "serverbindaddress2" -> serverSecondary = ValueParsers.globalIpv4(ipv4(value));
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

    /** Miredo's relay default, 0, lets the kernel pick a port; this relay's sockets share one fixed port. */
    private static int relayPort(String value) {
        int port = MiredoValues.unsigned16(value);
        if (port == 0) {
            throw new IllegalArgumentException("0 (a port the kernel picks, Miredo's default) is not supported by "
                    + "`jmiredo relay`: its sockets share one fixed port; omit BindPort for 3544, or name a port");
        }
        return port;
    }

    private String relayType() {
        return lines.stream()
                .filter(l -> l.key().equals("relaytype"))
                .map(Line::value)
                .findFirst()
                .orElse("");
    }

    private static String checked(String value, ToIntFunction<String> parser) {
        parser.applyAsInt(value);
        return value;
    }

    private static String facility(String value) {
        return SyslogFacility.parse(value).map(SyslogFacility::label).orElse("none");
    }

    private void set(int line, String path, Object value) {
        overlay = overlay.withValue(
                path,
                ConfigValueFactory.fromAnyRef(value)
                        .withOrigin(ConfigOriginFactory.newFile(file).withLineNumber(line)));
    }

    private int lineOf(String problem) {
        int from = file.length() + 1;
        return Integer.parseInt(problem.substring(from, problem.indexOf(':', from)));
    }

    private void problem(int line, String directive, String reason) {
        problems.add(file + ":" + line + ": directive \"" + directive + "\": " + reason);
    }
}
