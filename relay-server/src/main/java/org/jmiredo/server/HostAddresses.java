package org.jmiredo.server;

import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.transport.HostIpv4;

/**
 * The IPv4 addresses assigned to this host (in the daemon's network namespace, {@link HostIpv4}), and the
 * start-up check of the addresses a role binds to: a Teredo server
 * must own both of its addresses (RFC 4380 §5.3), and they must be global unicast (§5.2.4), or clients
 * would be told to use an address that never answers.
 */
final class HostAddresses {
    private HostAddresses() {}

    /** Every IPv4 address of every interface, up or down, in network-order ints. */
    static Set<Integer> ipv4() throws StartupException {
        try {
            return HostIpv4.addresses();
        } catch (SocketException e) {
            throw new StartupException("cannot list this host's addresses: " + e.getMessage(), e);
        }
    }

    /**
     * Fails with one line naming the key when {@code address} is not global unicast or not one of
     * {@code assigned}.
     *
     * @param key the configuration key that gave the address, for the message
     */
    static void requireUsable(String key, int address, Set<Integer> assigned) throws StartupException {
        String text = Ipv4.toString(address);
        if (!Ipv4.isGlobalUnicast(address)) {
            throw new StartupException(key + " " + text + " is not a global unicast IPv4 address: Teredo clients"
                    + " cannot use it (RFC 4380 section 5.2.4)", null);
        }
        if (!assigned.contains(address)) {
            throw new StartupException(key + " " + text + " is not assigned to this host (its IPv4 addresses: "
                    + listed(assigned) + "); add it, e.g. ip addr add " + text + "/32 dev eth0, or fix the"
                    + " configuration", null);
        }
    }

    /**
     * Fails when the server's secondary address, not set and so defaulted to the primary plus one (as Miredo),
     * is not one of {@code assigned}: the message says it was defaulted, and where the primary was set
     * ({@code primaryAt}), since the operator wrote no secondary-address to look for. Global unicast was
     * checked with the configuration.
     */
    static void requireDefaultedSecondary(String primaryAt, int secondary, Set<Integer> assigned)
            throws StartupException {
        if (!assigned.contains(secondary)) {
            String text = Ipv4.toString(secondary);
            throw new StartupException(primaryAt + ": jmiredo.server.secondary-address is not set; defaulted to"
                    + " primary-address + 1 = " + text + ", which this host does not have (its IPv4 addresses: "
                    + listed(assigned) + "); set it explicitly, or add it, e.g. ip addr add " + text + "/32 dev eth0",
                    null);
        }
    }

    private static String listed(Set<Integer> assigned) {
        List<String> have = new ArrayList<>();
        assigned.forEach(a -> have.add(Ipv4.toString(a)));
        return have.isEmpty() ? "none" : String.join(", ", have);
    }
}
