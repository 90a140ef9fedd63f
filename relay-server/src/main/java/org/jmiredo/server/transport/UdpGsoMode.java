package org.jmiredo.server.transport;

import java.util.Locale;

/** {@code transport.udp-gso}: whether runs of datagrams to one destination leave as one UDP GSO send. */
public enum UdpGsoMode {
    /** Use UDP_SEGMENT where the kernel takes it; fall back for good, quietly, where it refuses it. */
    AUTO,
    /** One datagram per message, as before. */
    OFF;

    /** The configuration spelling. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses auto or off, case-insensitively. */
    public static UdpGsoMode parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "off" -> OFF;
            default -> throw new IllegalArgumentException("must be auto or off, got \"" + text + "\"");
        };
    }
}
