package org.jmiredo.server.netlink;

import static org.jmiredo.server.netlink.RtnetlinkConstants.RTA_DST;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTA_OIF;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTA_TABLE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTMSG_LENGTH;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTN_LOCAL;

import java.util.Arrays;

/**
 * One route of a dump (an RTM_NEWROUTE message), the parts the check of a host's set-up compares.
 *
 * @param table the routing table (RTA_TABLE, else the 8-bit rtm_table)
 * @param destination the destination prefix's bytes (RTA_DST; empty for the default route)
 * @param destinationLength its length in bits
 * @param outputIndex the output interface (RTA_OIF), 0 if none (e.g. a multipath route)
 * @param type RTN_UNICAST, RTN_LOCAL…
 */
record RouteEntry(int table, byte[] destination, int destinationLength, int outputIndex, int type) {
    static RouteEntry of(NetlinkMessage route) {
        NetlinkAttributes attributes = route.attributes(RTMSG_LENGTH);
        return new RouteEntry(
                attributes.u32(RTA_TABLE).orElse(route.payload().get(4) & 0xFF),
                attributes.bytes(RTA_DST).orElse(new byte[0]),
                route.payload().get(1) & 0xFF,
                attributes.u32(RTA_OIF).orElse(0),
                route.payload().get(7) & 0xFF);
    }

    boolean local() {
        return type == RTN_LOCAL;
    }

    /** Whether this is the route {@code prefix/length dev index} of {@code table}. */
    boolean is(int table, byte[] prefix, int length, int index) {
        return this.table == table
                && destinationLength == length
                && outputIndex == index
                && Arrays.equals(destination, prefix);
    }
}
