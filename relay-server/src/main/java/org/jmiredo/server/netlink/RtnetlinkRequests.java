package org.jmiredo.server.netlink;

import static org.jmiredo.server.netlink.RtnetlinkConstants.AF_INET6;
import static org.jmiredo.server.netlink.RtnetlinkConstants.AF_UNSPEC;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFA_ADDRESS;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFA_LOCAL;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_IFNAME;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_MTU;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_TXQLEN;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLM_F_ACK;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLM_F_DUMP;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLM_F_REQUEST;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTA_DST;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTA_OIF;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTA_PRIORITY;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_GETLINK;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_GETROUTE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_NEWLINK;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_NEWROUTE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTN_UNICAST;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTPROT_BOOT;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RT_SCOPE_UNIVERSE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RT_TABLE_MAIN;

import java.net.Inet6Address;

/**
 * The rtnetlink requests the configurator sends, written as iproute2 writes the same commands, so the kernel
 * treats them alike. Pure: bytes into a {@link NetlinkMessageWriter}, no I/O.
 */
final class RtnetlinkRequests {
    private RtnetlinkRequests() {}

    /** {@code ip link show dev NAME}: RTM_GETLINK looked up by IFLA_IFNAME (Linux 2.6.33), answered by one RTM_NEWLINK. */
    static void getLink(NetlinkMessageWriter writer, int sequence, String name) {
        ifinfomsg(writer.begin(RTM_GETLINK, NLM_F_REQUEST, sequence), 0, 0, 0).attributeString(IFLA_IFNAME, name);
    }

    /**
     * {@code ip link set}: the flags in {@code change} take their values from {@code flags}, the others stay;
     * the MTU is set, the txqueuelen unless {@code txQueueLength} is -1.
     */
    static void setLink(
            NetlinkMessageWriter writer, int sequence, int index, int mtu, int txQueueLength, int flags, int change) {
        ifinfomsg(writer.begin(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, sequence), index, flags, change)
                .attributeU32(IFLA_MTU, mtu);
        if (txQueueLength >= 0) {
            writer.attributeU32(IFLA_TXQLEN, txQueueLength);
        }
    }

    /**
     * {@code ip -6 addr add|del ADDRESS/LENGTH dev INDEX}, type RTM_NEWADDR or RTM_DELADDR, with NLM_F_* {@code
     * flags} and IFA_F_* {@code addressFlags}. The scope is left to the kernel, which takes it from the address.
     */
    static void address(
            NetlinkMessageWriter writer,
            int sequence,
            int type,
            int flags,
            Inet6Address address,
            int prefixLength,
            int addressFlags,
            int index) {
        byte[] bytes = address.getAddress();
        // struct ifaddrmsg: u8 family, u8 prefix length, u8 flags, u8 scope, u32 index.
        writer.begin(type, NLM_F_REQUEST | NLM_F_ACK | flags, sequence)
                .u8(AF_INET6)
                .u8(prefixLength)
                .u8(addressFlags)
                .u8(0)
                .u32(index)
                .attribute(IFA_LOCAL, bytes)
                .attribute(IFA_ADDRESS, bytes);
    }

    /**
     * {@code ip -6 route add|del PREFIX/LENGTH dev INDEX} in the main table, type RTM_NEWROUTE or RTM_DELROUTE.
     * A new route is a unicast one marked "boot" as ip marks it; a deletion leaves protocol, scope and type 0 (any).
     */
    static void route(
            NetlinkMessageWriter writer,
            int sequence,
            int type,
            int flags,
            Inet6Address prefix,
            int prefixLength,
            int index,
            int metric) {
        boolean add = type == RTM_NEWROUTE;
        writer.begin(type, NLM_F_REQUEST | NLM_F_ACK | flags, sequence)
                .u8(AF_INET6)
                .u8(prefixLength)
                .u8(0)
                .u8(0)
                .u8(RT_TABLE_MAIN)
                .u8(add ? RTPROT_BOOT : 0)
                .u8(RT_SCOPE_UNIVERSE)
                .u8(add ? RTN_UNICAST : 0)
                .u32(0)
                .attribute(RTA_DST, prefix.getAddress())
                .attributeU32(RTA_OIF, index);
        if (metric != 0) {
            writer.attributeU32(RTA_PRIORITY, metric);
        }
    }

    /**
     * {@code ip -6 route get ADDRESS oif INDEX}: the kernel's route lookup, answered by one RTM_NEWROUTE (of type
     * RTN_LOCAL for an address of this host) or an error (ENETUNREACH).
     */
    static void getRoute(NetlinkMessageWriter writer, int sequence, Inet6Address destination, int index) {
        writer.begin(RTM_GETROUTE, NLM_F_REQUEST, sequence)
                .u8(AF_INET6)
                .u8(128)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u32(0)
                .attribute(RTA_DST, destination.getAddress())
                .attributeU32(RTA_OIF, index);
    }

    /** {@code ip -6 route show table all}: a dump of every IPv6 route, one RTM_NEWROUTE each. */
    static void dumpRoutes(NetlinkMessageWriter writer, int sequence) {
        writer.begin(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, sequence)
                .u8(AF_INET6)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u32(0);
    }

    // struct ifinfomsg; the type (ARPHRD_*) is 0: not changed.
    private static NetlinkMessageWriter ifinfomsg(NetlinkMessageWriter writer, int index, int flags, int change) {
        return writer.u8(AF_UNSPEC).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }
}
