package org.jmiredo.server.config;

import org.jmiredo.engine.server.ServerSettings;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Teredo;

/**
 * {@code jmiredo.server}: the Teredo server role ({@code jmiredo server}, RFC 4380 §5.3), from the HOCON
 * file or from miredo-server.conf (ServerBindAddress, ServerBindAddress2, Prefix, InterfaceMTU).
 * Validated when read; the addresses' presence on the host is checked by the daemon at start.
 *
 * @param primaryAddress the primary server IPv4 in network order, global unicast; 0 when not configured
 * @param secondaryAddress the secondary IPv4 (default: the primary plus one, as Miredo); 0 when the
 *     primary is not configured
 * @param prefix the advertised Teredo prefix's first 32 bits (default: {@code jmiredo.relay.prefix})
 * @param advertisedMtu the RA's MTU option (default: {@code jmiredo.tun.mtu}); 0 leaves the option out
 * @param maxIcmpPayload the largest IPv6 payload of a forwarded non-bubble packet (Miredo: 88)
 * @param raPerSecond the most RAs per second answering the RSs each address receives, 0 for no limit (Miredo
 *     has none)
 * @param nativeForwarding whether clients' ICMPv6 echo requests to native IPv6 are sent on (relay discovery)
 * @param raPerDestination the most RAs per second towards any one IPv4 address from both addresses, 0 for no
 *     limit
 * @param raDestinationSlots the size of each per-destination table (RAs, forwarded packets), a power of two
 * @param forwardPerSecond the most packets forwarded to Teredo destinations per second, 0 for no limit (Miredo has
 *     none)
 * @param forwardPerDestination the most packets forwarded per second towards any one IPv4 address, 0 for no limit
 * @param secondaryDefaultedAt where the primary address was set ({@code FILE:LINE}) when the secondary was not
 *     and defaulted to the primary plus one, for the start's message should the host lack it; null otherwise
 */
public record ServerRoleConfig(
        int primaryAddress,
        int secondaryAddress,
        int prefix,
        int advertisedMtu,
        int maxIcmpPayload,
        int raPerSecond,
        boolean nativeForwarding,
        int raPerDestination,
        int raDestinationSlots,
        int forwardPerSecond,
        int forwardPerDestination,
        String secondaryDefaultedAt) {

    public ServerRoleConfig(
            int primaryAddress,
            int secondaryAddress,
            int prefix,
            int advertisedMtu,
            int maxIcmpPayload,
            int raPerSecond,
            boolean nativeForwarding,
            int raPerDestination,
            int raDestinationSlots) {
        this(
                primaryAddress,
                secondaryAddress,
                prefix,
                advertisedMtu,
                maxIcmpPayload,
                raPerSecond,
                nativeForwarding,
                raPerDestination,
                raDestinationSlots,
                0,
                DEFAULT_FORWARD_PER_DESTINATION,
                null);
    }

    /** reference.conf's per-destination RA budget: far above a real client's 1 RS per 4 s. */
    public static final int DEFAULT_RA_PER_DESTINATION = 20;
    /**
     * reference.conf's per-destination budget of forwarded packets: a peer bubbles a client at most once per 2 s and
     * a trusted one every 30 s at most, so 200 a second covers a client with 6,000 peers renewing, or hundreds of
     * clients behind one NAT address.
     */
    public static final int DEFAULT_FORWARD_PER_DESTINATION = 200;

    /** The defaults when nothing configures the role: no addresses, reference.conf's values otherwise. */
    public static ServerRoleConfig unset() {
        return new ServerRoleConfig(
                0,
                0,
                Teredo.PREFIX,
                Teredo.MTU,
                ServerSettings.MIREDO_MAX_ICMP_PAYLOAD,
                0,
                true,
                DEFAULT_RA_PER_DESTINATION,
                ServerSettings.DEFAULT_RA_DESTINATION_SLOTS);
    }

    /**
     * The heap the per-destination tables (RAs, forwarded packets) take: two rows of 8-byte counters each, one
     * table of each kind for the whole server (shared by the loops), allocated at start; none without a limit.
     */
    public long raTableBytes() {
        int tables = (raPerDestination == 0 ? 0 : 1) + (forwardPerDestination == 0 ? 0 : 1);
        return tables * 2L * Long.BYTES * raDestinationSlots;
    }

    /** True when a primary address was given (HOCON primary-address or ServerBindAddress). */
    public boolean configured() {
        return primaryAddress != 0;
    }

    /**
     * The data path's settings.
     *
     * @throws IllegalStateException when the role is not {@link #configured()}
     */
    public ServerSettings settings() {
        if (!configured()) {
            throw new IllegalStateException("jmiredo.server.primary-address is not set");
        }
        return new ServerSettings(
                primaryAddress,
                secondaryAddress,
                prefix,
                advertisedMtu,
                maxIcmpPayload,
                ServerSettings.DEFAULT_MAX_TRAILER_LENGTH,
                raPerSecond,
                nativeForwarding,
                raPerDestination,
                raDestinationSlots,
                forwardPerSecond,
                forwardPerDestination);
    }

    @Override
    public String toString() {
        return "ServerRoleConfig["
                + (configured()
                        ? Ipv4.toString(primaryAddress) + ", " + Ipv4.toString(secondaryAddress)
                        : "not configured")
                + ", prefix " + ValueParsers.formatPrefix(prefix) + ", mtu " + advertisedMtu
                + ", max-icmp-payload " + maxIcmpPayload + ", ra-per-second " + raPerSecond
                + ", ra-per-destination " + raPerDestination + "/" + raDestinationSlots
                + ", forward-per-second " + forwardPerSecond + ", forward-per-destination " + forwardPerDestination
                + ", native-forwarding " + nativeForwarding + "]";
    }
}
