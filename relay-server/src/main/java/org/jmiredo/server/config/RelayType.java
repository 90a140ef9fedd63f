package org.jmiredo.server.config;

import java.util.Locale;

/** Miredo's RelayType, restricted to the roles this daemon serves. */
public enum RelayType {
    /** Public IPv4 address or full-cone NAT: indirect bubbles only (RFC 4380 §5.4.1). */
    CONE,
    /** Behind a restricted NAT: also direct bubbles to open the NAT (RFC 4380 §5.4.1, Miredo "restricted"). */
    RESTRICTED;

    /** The configuration spelling. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses Miredo's spellings, case-insensitively: cone, relay (Miredo's synonym of cone), restricted.
     *
     * @throws IllegalArgumentException with the reason, for the client roles and anything else
     */
    public static RelayType parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "cone", "relay" -> CONE;
            case "restricted" -> RESTRICTED;
            case "client", "autoclient" ->
                throw new IllegalArgumentException(
                        "not a relay type: the Teredo client is `jmiredo client`, configured with jmiredo.client.* (or "
                                + "--miredo-conf with RelayType client); use cone, relay or restricted");
            default -> throw new IllegalArgumentException("must be cone, relay or restricted, got \"" + text + "\"");
        };
    }
}
