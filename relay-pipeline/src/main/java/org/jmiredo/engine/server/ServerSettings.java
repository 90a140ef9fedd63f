package org.jmiredo.engine.server;

import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Teredo;

/**
 * The Teredo server's settings (RFC 4380 §5.3, RFC 5991). Addresses are IPv4 as {@code int} in network
 * order (first octet in the top byte), as {@link Ipv4} uses them. Immutable, shared by every event loop.
 *
 * @param primaryIpv4 the service address (miredo-server {@code ServerBindAddress}): clients send their
 *     RS there, it is embedded in every client's Teredo address and in the advertised prefix, the RA's
 *     link-local source is built from it, and forwarded packets leave from it. Must be global unicast.
 * @param secondaryIpv4 the second address ({@code ServerBindAddress2}; Miredo's default is the primary
 *     plus one): RAs for an RS whose source has the cone bit leave from the other address than the RS
 *     arrived on (§5.3.2, kept by RFC 5991 §3.2). Must be global unicast and differ from the primary.
 * @param prefix the Teredo prefix as its first 32 bits ({@code Prefix}; {@link Teredo#PREFIX} is
 *     2001:0000::/32). The advertised /64 is this prefix plus the primary address. Neither zero nor
 *     multicast (Miredo accepts any such /32, M7).
 * @param advertisedMtu the value of the RA's MTU option ({@code InterfaceMTU}; RFC 4380 §5.1.2 default
 *     1280, Miredo always sends the option, M4); 1280 to 65535, or 0 to leave the option out.
 * @param maxIcmpPayload the largest IPv6 payload length of a non-bubble packet the server forwards (to
 *     a client or to native IPv6). Miredo drops anything above 88 bytes so that the server is never an
 *     open UDP relay (M1, "explicit breakage of RFC 4380", as Microsoft's servers do); 0 to 65535.
 * @param maxTrailerLength the most bytes after the IPv6 packet (RFC 6081 trailers) a forwarded
 *     datagram may carry; they are passed through unchanged (RFC 6081 §4). The four trailers RFC 6081
 *     defines take 44 bytes together; anything longer is dropped, so that trailers cannot smuggle a
 *     payload the size limit above refuses. 0 to 1024.
 * @param raPerSecond the most RAs sent per second answering the RSs each of the two addresses receives
 *     (an RS with the cone bit is answered from the other address), split between the event loops; 0 means
 *     unlimited, as Miredo. A bound on how much a flood of spoofed RSs can reflect
 *     (an RA is about twice the size of the RS).
 * @param raPerDestination the most RAs sent per second towards any one IPv4 address (the RS's source, a
 *     reflection's victim) from both addresses together, split between the event loops as {@code raPerSecond}; 0 means unlimited.
 *     Bounds what a flood aimed at one victim reflects while other sources are answered normally.
 * @param raDestinationSlots the counters per row of each socket pair's {@link DestinationBudget}, a power of
 *     two from 2: more slots, fewer real clients sharing a counter with a flooded address.
 * @param nativeForwarding whether ICMPv6 echo messages from clients to non-Teredo destinations go to the
 *     native IPv6 output (relay discovery, RFC 4380 §5.2.9, R-5.3.1-native). False for a host without
 *     native IPv6; they are then dropped and counted.
 * @param forwardPerSecond the most packets (bubbles and echo messages) forwarded over UDP to Teredo destinations
 *     per second, the whole server's (every socket shares one budget); 0 means unlimited, as Miredo. Each is sent
 *     to whatever IPv4:port the destination embeds, so this bounds what the server reflects in all.
 * @param forwardPerDestination the most packets forwarded per second towards any one IPv4 address (the mapping a
 *     destination embeds, a reflection's victim), whatever its ports, split between the event loops as {@code
 *     raPerDestination} and counted in a table of {@code raDestinationSlots} per row; 0 means unlimited.
 */
public record ServerSettings(
        int primaryIpv4,
        int secondaryIpv4,
        int prefix,
        int advertisedMtu,
        int maxIcmpPayload,
        int maxTrailerLength,
        int raPerSecond,
        boolean nativeForwarding,
        int raPerDestination,
        int raDestinationSlots,
        int forwardPerSecond,
        int forwardPerDestination) {

    /** Miredo's limit on the IPv6 payload of forwarded non-bubble packets (server.c, M1). */
    public static final int MIREDO_MAX_ICMP_PAYLOAD = 88;
    /** Default room for RFC 6081 trailers: their 44 bytes, plus room for types defined later. */
    public static final int DEFAULT_MAX_TRAILER_LENGTH = 64;
    /** Counters per row of the per-destination RA budget: 2 x 128 KiB per socket pair. */
    public static final int DEFAULT_RA_DESTINATION_SLOTS = 16_384;

    public ServerSettings {
        require(Ipv4.isGlobalUnicast(primaryIpv4), "the primary address must be global unicast (RFC 4380 §5.3)");
        require(Ipv4.isGlobalUnicast(secondaryIpv4), "the secondary address must be global unicast (RFC 4380 §5.3)");
        require(primaryIpv4 != secondaryIpv4, "the secondary address must differ from the primary (RFC 4380 §5.3.2)");
        require(prefix != 0 && (prefix >>> 24) != 0xFF, "a Teredo prefix is neither zero nor multicast");
        require(
                advertisedMtu == 0 || advertisedMtu >= Teredo.MTU && advertisedMtu <= 0xFFFF,
                "the advertised MTU is 0 (no option) or 1280 to 65535");
        require(maxIcmpPayload >= 0 && maxIcmpPayload <= 0xFFFF, "maxIcmpPayload must be 0 to 65535");
        require(maxTrailerLength >= 0 && maxTrailerLength <= 1024, "maxTrailerLength must be 0 to 1024");
        require(raPerSecond >= 0, "raPerSecond must not be negative");
        require(raPerDestination >= 0, "raPerDestination must not be negative");
        require(
                raDestinationSlots >= 2 && Integer.bitCount(raDestinationSlots) == 1,
                "raDestinationSlots must be a power of two from 2");
        require(forwardPerSecond >= 0, "forwardPerSecond must not be negative");
        require(forwardPerDestination >= 0, "forwardPerDestination must not be negative");
    }

    /** Without budgets on forwarded packets, as Miredo. */
    public ServerSettings(
            int primaryIpv4,
            int secondaryIpv4,
            int prefix,
            int advertisedMtu,
            int maxIcmpPayload,
            int maxTrailerLength,
            int raPerSecond,
            boolean nativeForwarding,
            int raPerDestination,
            int raDestinationSlots) {
        this(
                primaryIpv4,
                secondaryIpv4,
                prefix,
                advertisedMtu,
                maxIcmpPayload,
                maxTrailerLength,
                raPerSecond,
                nativeForwarding,
                raPerDestination,
                raDestinationSlots,
                0,
                0);
    }

    /** Without a per-destination RA limit nor budgets on forwarded packets, as Miredo. */
    public ServerSettings(
            int primaryIpv4,
            int secondaryIpv4,
            int prefix,
            int advertisedMtu,
            int maxIcmpPayload,
            int maxTrailerLength,
            int raPerSecond,
            boolean nativeForwarding) {
        this(
                primaryIpv4,
                secondaryIpv4,
                prefix,
                advertisedMtu,
                maxIcmpPayload,
                maxTrailerLength,
                raPerSecond,
                nativeForwarding,
                0,
                DEFAULT_RA_DESTINATION_SLOTS,
                0,
                0);
    }

    /**
     * Miredo's defaults for a server at {@code primaryIpv4}: secondary = primary + 1, prefix 2001:0::/32,
     * MTU option 1280, payload limit 88 bytes, trailers up to 64 bytes, no RA rate limit, native
     * forwarding on, no per-destination RA limit.
     */
    public static ServerSettings defaults(int primaryIpv4) {
        return defaults(primaryIpv4, primaryIpv4 + 1);
    }

    /** As {@link #defaults(int)} with an explicit secondary address. */
    public static ServerSettings defaults(int primaryIpv4, int secondaryIpv4) {
        return new ServerSettings(
                primaryIpv4,
                secondaryIpv4,
                Teredo.PREFIX,
                Teredo.MTU,
                MIREDO_MAX_ICMP_PAYLOAD,
                DEFAULT_MAX_TRAILER_LENGTH,
                0,
                true);
    }

    /** A copy with another RA budget. */
    public ServerSettings withRaPerSecond(int perSecond) {
        return new ServerSettings(
                primaryIpv4,
                secondaryIpv4,
                prefix,
                advertisedMtu,
                maxIcmpPayload,
                maxTrailerLength,
                perSecond,
                nativeForwarding,
                raPerDestination,
                raDestinationSlots,
                forwardPerSecond,
                forwardPerDestination);
    }

    /** A copy with another per-destination RA budget. */
    public ServerSettings withRaPerDestination(int perSecond, int slots) {
        return new ServerSettings(
                primaryIpv4,
                secondaryIpv4,
                prefix,
                advertisedMtu,
                maxIcmpPayload,
                maxTrailerLength,
                raPerSecond,
                nativeForwarding,
                perSecond,
                slots,
                forwardPerSecond,
                forwardPerDestination);
    }

    /** A copy with other budgets on forwarded packets (0 = unlimited). */
    public ServerSettings withForwardBudgets(int perSecond, int perDestination) {
        return new ServerSettings(
                primaryIpv4,
                secondaryIpv4,
                prefix,
                advertisedMtu,
                maxIcmpPayload,
                maxTrailerLength,
                raPerSecond,
                nativeForwarding,
                raPerDestination,
                raDestinationSlots,
                perSecond,
                perDestination);
    }

    /** The IPv4 address of {@code endpoint}. */
    public int ipv4(ServerEndpoint endpoint) {
        return endpoint == ServerEndpoint.PRIMARY ? primaryIpv4 : secondaryIpv4;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
