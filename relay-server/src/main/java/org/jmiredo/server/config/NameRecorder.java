package org.jmiredo.server.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import org.jmiredo.proto.Ipv4;

/**
 * The Miredo file's name lookups, remembered: which host name gave which IPv4 (the first, as the parser takes it),
 * so that the client keeps the name of a ServerAddress given as one ({@link ServerNames}).
 */
final class NameRecorder implements MiredoConfParser.Resolver {
    private final MiredoConfParser.Resolver resolver;
    private final String file;
    private final Map<Integer, String> names = new HashMap<>();

    /** @param file the Miredo file, as its values' origins name it */
    NameRecorder(MiredoConfParser.Resolver resolver, String file) {
        this.resolver = resolver;
        this.file = file;
    }

    @Override
    public InetAddress[] resolve(String name) throws UnknownHostException {
        InetAddress[] addresses = resolver.resolve(name);
        for (InetAddress address : addresses) {
            if (address instanceof Inet4Address) {
                names.putIfAbsent(Ipv4.of(address.getAddress()), name);
                break;
            }
        }
        return addresses;
    }

    /** The name {@code ipv4} was looked up as, when the value came from the Miredo file ({@code origin}); else "". */
    String nameOf(int ipv4, String origin) {
        return file.equals(origin) ? names.getOrDefault(ipv4, "") : "";
    }
}
