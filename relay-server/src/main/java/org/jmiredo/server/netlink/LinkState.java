package org.jmiredo.server.netlink;

import static org.jmiredo.server.netlink.RtnetlinkConstants.IFF_UP;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFINFOMSG_LENGTH;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_INFO_DATA;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_INFO_KIND;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_LINKINFO;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_MTU;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_TUN_NUM_QUEUES;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_TXQLEN;

import java.util.OptionalInt;

/**
 * What the kernel says of a link (an RTM_NEWLINK message): what the configurator changes and puts back, and
 * what the check of a host's device looks at.
 *
 * @param index the ifindex
 * @param flags IFF_* (UP, MULTICAST…)
 * @param mtu IFLA_MTU
 * @param txQueueLength IFLA_TXQLEN
 * @param tunQueues for a TUN device, the queues attached to it (IFLA_TUN_NUM_QUEUES, Linux 4.15); empty otherwise
 */
record LinkState(int index, int flags, int mtu, int txQueueLength, OptionalInt tunQueues) {
    static LinkState of(NetlinkMessage link) {
        NetlinkAttributes attributes = link.attributes(IFINFOMSG_LENGTH);
        NetlinkAttributes info = attributes.nested(IFLA_LINKINFO);
        // IFLA_INFO_DATA's attribute numbers belong to the kind: read IFLA_TUN_* only from a "tun".
        OptionalInt queues = info.string(IFLA_INFO_KIND).filter("tun"::equals).isPresent()
                ? info.nested(IFLA_INFO_DATA).u32(IFLA_TUN_NUM_QUEUES)
                : OptionalInt.empty();
        return new LinkState(
                link.payload().getInt(4),
                link.payload().getInt(8),
                attributes.u32(IFLA_MTU).orElse(0),
                attributes.u32(IFLA_TXQLEN).orElse(0),
                queues);
    }

    boolean up() {
        return (flags & IFF_UP) != 0;
    }
}
