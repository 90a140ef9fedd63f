package org.jmiredo.e2e.lab;

/**
 * Addresses and names of the LAB.md topology, shared by the relay and server labs. Only documentation ranges (LAB.md traffic rules): 198.51.100.0/24 is the
 * IPv4 "Internet" (global unicast for Teredo, RFC 4380 section 2.6 / CONFORMANCE R-5.2.4-g4def),
 * 192.168.77.0/24 the NAT's private side, 2001:db8:6::/64 the native IPv6 link.
 */
public final class LabNet {

    public static final String SERVER_PRIMARY = "198.51.100.1";
    public static final String SERVER_SECONDARY = "198.51.100.2";
    public static final String SERVER_V6 = "2001:db8:6::10";
    public static final String RELAY_V4 = "198.51.100.3";
    /** LAB.md uses 3545 for relays so that a relay and a server could share a host. */
    public static final int RELAY_PORT = 3545;

    public static final String RELAY_V6 = "2001:db8:6::3";
    public static final String NATIVE_HOST = "2001:db8:6::20";
    public static final String NAT_OUTSIDE = "198.51.100.20";
    public static final String NAT_INSIDE = "192.168.77.1";
    public static final String LAN_CLIENT = "192.168.77.2";
    public static final String PUBLIC_CLIENT = "198.51.100.10";

    public static final String TEREDO_PREFIX = "2001::/32";
    public static final String TUN_NAME = "teredo";
    public static final String V4_PREFIX_LEN = "/24";
    public static final String V6_PREFIX_LEN = "/64";

    /** In-namespace interface names: one per segment. */
    public static final String IF_V4 = "eth4";

    public static final String IF_V6 = "eth6";
    public static final String IF_LAN = "ethl";

    /** Bridges in the hub namespace. */
    public static final String BR_V4 = "br4";

    public static final String BR_V6 = "br6";
    public static final String BR_LAN = "brl";

    public static final int IPERF_PORT = 5201;

    private LabNet() {}
}
