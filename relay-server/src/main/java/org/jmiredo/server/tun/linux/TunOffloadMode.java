package org.jmiredo.server.tun.linux;

import java.util.Locale;

/** {@code tun.offload}: whether the TUN device is opened with checksum and segmentation offloads. */
public enum TunOffloadMode {
    /** Use them when the kernel accepts them, else open the device as with {@link #OFF}. */
    AUTO,
    /** Use them; refuse to start when the kernel does not accept them. */
    ON,
    /** One plain packet per read and write, no virtio header. */
    OFF;

    /** The configuration spelling. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses auto, on or off, case-insensitively. */
    public static TunOffloadMode parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "on" -> ON;
            case "off" -> OFF;
            default -> throw new IllegalArgumentException("must be auto, on or off, got \"" + text + "\"");
        };
    }
}
