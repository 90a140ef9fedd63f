package org.jmiredo.server;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.transport.HostIpv4;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPv4 addresses assigned to this host (in the daemon's network namespace, {@link HostIpv4}), and the
 * start-up check of the addresses a role binds to: a Teredo server
 * must own both of its addresses (RFC 4380 §5.3), and they must be global unicast (§5.2.4), or clients
 * would be told to use an address that never answers.
 */
final class HostAddresses {
    private static final Logger LOG = LoggerFactory.getLogger(HostAddresses.class);

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
     * Fails with one line naming the key when {@code address} is not global unicast, or neither one of
     * {@code assigned} nor an address the kernel binds as local (see {@link #kernelBinds}).
     *
     * @param key the configuration key that gave the address, for the message
     */
    static void requireUsable(String key, int address, Set<Integer> assigned) throws StartupException {
        String text = Ipv4.toString(address);
        if (!Ipv4.isGlobalUnicast(address)) {
            throw new StartupException(
                    key + " " + text + " is not a global unicast IPv4 address: Teredo clients"
                            + " cannot use it (RFC 4380 section 5.2.4)",
                    null);
        }
        if (!assigned.contains(address) && kernelBinds(address)) {
            LOG.info(
                    "{} {} is on no interface of this host, but the kernel binds it (a local route, e.g. ip route "
                            + "add local {}/32 dev lo, or net.ipv4.ip_nonlocal_bind = 1): serving it",
                    key,
                    text,
                    text);
            return;
        }
        if (!assigned.contains(address)) {
            throw new StartupException(
                    key + " " + text + " is not assigned to this host (its IPv4 addresses: "
                            + listed(assigned) + "); add it, e.g. ip addr add " + text + "/32 dev eth0, or fix the"
                            + " configuration",
                    null);
        }
    }

    /**
     * True when a UDP socket binds to {@code address}: besides an interface's own addresses, the kernel takes
     * as local every address of a local route ("AnyIP", {@code ip route add local 198.51.100.0/24 dev lo}) and,
     * with net.ipv4.ip_nonlocal_bind, any address. miredo-server just binds, so it serves such addresses; so do
     * we. Port 0: the probe holds no port the daemon needs.
     */
    static boolean kernelBinds(int address) {
        try (DatagramSocket probe =
                new DatagramSocket(new InetSocketAddress(TransportSettingsMapping.ipv4(address), 0))) {
            return true;
        } catch (IOException e) {
            return false; // EADDRNOTAVAIL: not an address of this host
        }
    }

    /**
     * Fails when the server's secondary address, not set and so defaulted to the primary plus one (as Miredo),
     * is neither one of {@code assigned} nor an address the kernel binds: the message says it was defaulted, and where the primary was set
     * ({@code primaryAt}), since the operator wrote no secondary-address to look for. Global unicast was
     * checked with the configuration.
     */
    static void requireDefaultedSecondary(String primaryAt, int secondary, Set<Integer> assigned)
            throws StartupException {
        if (!assigned.contains(secondary) && !kernelBinds(secondary)) {
            String text = Ipv4.toString(secondary);
            throw new StartupException(
                    primaryAt + ": jmiredo.server.secondary-address is not set; defaulted to"
                            + " primary-address + 1 = " + text + ", which this host does not have (its IPv4 addresses: "
                            + listed(assigned) + "); set it explicitly, or add it, e.g. ip addr add " + text
                            + "/32 dev eth0",
                    null);
        }
    }

    private static String listed(Set<Integer> assigned) {
        List<String> have = new ArrayList<>();
        assigned.forEach(a -> have.add(Ipv4.toString(a)));
        return have.isEmpty() ? "none" : String.join(", ", have);
    }
}
