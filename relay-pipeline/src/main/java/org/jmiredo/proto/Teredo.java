package org.jmiredo.proto;

/** Constants fixed by the RFCs (RFC 4380, 5991, 6081). Tuning values live in the configuration. */
public final class Teredo {
    private Teredo() {}

    /** UDP port of Teredo servers; indirect bubbles go there (RFC 4380 §2.7). */
    public static final int SERVICE_PORT = 3544;

    /** The global Teredo prefix 2001:0000::/32 as the first 32 bits of an address (RFC 4380 §2.6). */
    public static final int PREFIX = 0x2001_0000;

    /** Minimum IPv6 link MTU, and the Teredo interface default (RFC 4380 §5.1.2). */
    public static final int MTU = 1280;

    /**
     * The largest IPv6 packet one Teredo datagram carries: the largest UDP payload over IPv4 (65,535 - 20 - 8).
     * A tunnel whose MTU was raised above it hands over packets no datagram holds.
     */
    public static final int MAX_PACKET = 65_507;

    /** A peer entry stays trusted this long after the last packet received from it (RFC 4380 §5.2.3). */
    public static final int TRUST_SECONDS = 30;

    /** Bubbles to one peer are at least this far apart (RFC 4380 §5.2.6, §5.4.1). */
    public static final int BUBBLE_SPACING_SECONDS = 2;

    /** At most this many bubbles to one peer per {@link #BUBBLE_WINDOW_SECONDS} (RFC 4380 §5.2.6). */
    public static final int MAX_BUBBLES = 4;

    /** The window of the bubble limit (RFC 4380 §5.2.6: "4 bubbles in 300 seconds"). */
    public static final int BUBBLE_WINDOW_SECONDS = 300;

    /** Flag bits of a Teredo address (RFC 4380 §4, RFC 5991 §3.1). */
    public static final int FLAG_CONE = 0x8000;

    public static final int FLAG_UG = 0x0300;
    /** The bits an RFC 5991 client randomises. */
    public static final int FLAG_RANDOM = 0x3CFF;
}
