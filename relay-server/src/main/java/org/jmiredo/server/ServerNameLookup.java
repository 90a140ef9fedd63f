package org.jmiredo.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jmiredo.pipeline.client.ServerLookup;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.config.MiredoConfParser;
import org.jmiredo.server.config.ServerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks the client's server names up again on a thread of its own (the system resolver blocks), as Miredo does
 * after losing its server; logs once at INFO when a name gives another address, and once at WARN when a lookup
 * fails (the addresses in use are kept). The JVM caches a name's answer for 30 s (networkaddress.cache.ttl).
 */
final class ServerNameLookup implements ServerLookup, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientDaemon.class);

    private final ServerNames names;
    private final MiredoConfParser.Resolver resolver;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jmiredo-client-resolver");
        t.setDaemon(true);
        return t;
    });
    /** On the lookup thread only: the addresses handed last, and whether the last lookup failed. */
    private int primary;

    private int secondary;
    private boolean failing;

    /** @param primary the addresses the names gave at start */
    ServerNameLookup(ServerNames names, int primary, int secondary, MiredoConfParser.Resolver resolver) {
        this.names = names;
        this.primary = primary;
        this.secondary = secondary;
        this.resolver = resolver;
    }

    /** A lookup for {@code names}, null when there is no name to look up. */
    static ServerNameLookup of(ServerNames names, int primary, int secondary) {
        return names.any() ? new ServerNameLookup(names, primary, secondary, InetAddress::getAllByName) : null;
    }

    @Override
    public void lookUp(Found found) {
        thread.execute(() -> {
            try {
                int newPrimary = names.primary().isEmpty() ? primary : resolve(names.primary());
                int newSecondary = !names.secondary().isEmpty()
                        ? resolve(names.secondary())
                        : names.secondaryFollows() ? newPrimary + 1 : secondary;
                if (!Ipv4.isGlobalUnicast(newPrimary)
                        || !Ipv4.isGlobalUnicast(newSecondary)
                        || newPrimary == newSecondary) {
                    throw new UnknownHostException("it gives " + Ipv4.toString(newPrimary) + " and "
                            + Ipv4.toString(newSecondary) + ", not a Teredo server's two global unicast addresses");
                }
                failing = false;
                if (newPrimary != primary || newSecondary != secondary) {
                    LOG.info(
                            "the Teredo server's host name {} gives {} and {} now (was {} and {}): qualifying there",
                            names.primary().isEmpty() ? names.secondary() : names.primary(),
                            Ipv4.toString(newPrimary),
                            Ipv4.toString(newSecondary),
                            Ipv4.toString(primary),
                            Ipv4.toString(secondary));
                    primary = newPrimary;
                    secondary = newSecondary;
                }
                found.addresses(newPrimary, newSecondary);
            } catch (UnknownHostException e) {
                if (!failing) {
                    failing = true;
                    LOG.warn(
                            "cannot look the Teredo server's host name up again ({}): keeping {} and {}",
                            e.getMessage(),
                            Ipv4.toString(primary),
                            Ipv4.toString(secondary));
                }
                found.addresses(0, 0);
            }
        });
    }

    /** The first IPv4 address of {@code name}, as at start. */
    private int resolve(String name) throws UnknownHostException {
        for (InetAddress address : resolver.resolve(name)) {
            if (address instanceof Inet4Address) {
                return Ipv4.of(address.getAddress());
            }
        }
        throw new UnknownHostException(name + " has no IPv4 address");
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
