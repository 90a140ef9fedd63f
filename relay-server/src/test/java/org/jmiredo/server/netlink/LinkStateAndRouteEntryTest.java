package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.server.netlink.NetlinkBytes.attribute;
import static org.jmiredo.server.netlink.NetlinkBytes.concat;
import static org.jmiredo.server.netlink.NetlinkBytes.datagram;
import static org.jmiredo.server.netlink.NetlinkBytes.hex;
import static org.jmiredo.server.netlink.NetlinkBytes.message;
import static org.jmiredo.server.netlink.NetlinkBytes.text;
import static org.jmiredo.server.netlink.NetlinkBytes.u32;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_INFO_DATA;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_INFO_KIND;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_LINKINFO;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_MTU;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_TUN_NUM_QUEUES;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFLA_TXQLEN;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_NEWLINK;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_NEWROUTE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RT_TABLE_MAIN;

import org.junit.jupiter.api.Test;

/** What the configurator reads out of RTM_NEWLINK and RTM_NEWROUTE messages. */
class LinkStateAndRouteEntryTest {
    // struct ifinfomsg: AF_UNSPEC, ARPHRD_NONE (0xfffe), index 5, flags UP|POINTOPOINT|NOARP|MULTICAST, change 0.
    private static final byte[] IFINFOMSG = hex("0000 feff 05000000 91100000 00000000");

    private static NetlinkMessage link(byte[] linkInfo) {
        return NetlinkMessage.split(datagram(message(
                        RTM_NEWLINK,
                        0,
                        1,
                        concat(
                                IFINFOMSG,
                                attribute(3, text("teredo")),
                                attribute(IFLA_TXQLEN, u32(500)),
                                attribute(IFLA_MTU, u32(1280)),
                                linkInfo))))
                .getFirst();
    }

    @Test
    void aTunsStateWithItsQueueCount() {
        LinkState state = LinkState.of(link(attribute(
                IFLA_LINKINFO | 0x8000,
                concat(
                        attribute(IFLA_INFO_KIND, text("tun")),
                        attribute(
                                IFLA_INFO_DATA | 0x8000,
                                concat(attribute(7, new byte[] {1}), attribute(IFLA_TUN_NUM_QUEUES, u32(2))))))));
        assertThat(state.index()).isEqualTo(5);
        assertThat(state.flags()).isEqualTo(0x1091);
        assertThat(state.up()).isTrue();
        assertThat(state.mtu()).isEqualTo(1280);
        assertThat(state.txQueueLength()).isEqualTo(500);
        assertThat(state.tunQueues()).hasValue(2);
    }

    @Test
    void noQueueCountForAnotherKindOrAnOlderKernel() {
        // A veth's IFLA_INFO_DATA has its own attribute 8; it is not a queue count.
        assertThat(LinkState.of(link(attribute(
                                IFLA_LINKINFO,
                                concat(
                                        attribute(IFLA_INFO_KIND, text("veth")),
                                        attribute(IFLA_INFO_DATA, attribute(IFLA_TUN_NUM_QUEUES, u32(9)))))))
                        .tunQueues())
                .isEmpty();
        // A TUN before Linux 4.15 has no IFLA_INFO_DATA.
        assertThat(LinkState.of(link(attribute(IFLA_LINKINFO, attribute(IFLA_INFO_KIND, text("tun")))))
                        .tunQueues())
                .isEmpty();
        assertThat(LinkState.of(link(new byte[0])).tunQueues()).isEmpty();
    }

    @Test
    void aRouteIsTheTeredoRouteOnlyWithTheSameTablePrefixLengthAndDevice() {
        byte[] prefix = TunnelInterfaceSpec.v6("2001:db8::").getAddress();
        RouteEntry route = route(
                "0a200000 fe030001 00000000",
                concat(attribute(15, u32(RT_TABLE_MAIN)), attribute(1, prefix), attribute(4, u32(5))));
        assertThat(route.is(RT_TABLE_MAIN, prefix, 32, 5)).isTrue();
        assertThat(route.is(RT_TABLE_MAIN, prefix, 48, 5)).isFalse();
        assertThat(route.is(RT_TABLE_MAIN, prefix, 32, 6)).isFalse();
        assertThat(route.is(100, prefix, 32, 5)).isFalse();
        assertThat(route.is(RT_TABLE_MAIN, TunnelInterfaceSpec.TEREDO_PREFIX.getAddress(), 32, 5))
                .isFalse();
        assertThat(route.local()).isFalse();
    }

    @Test
    void aRouteWithoutRtaTableIsInItsHeadersTableAndTheDefaultRouteHasNoDestination() {
        RouteEntry route = route("0a000000 64030001 00000000", attribute(4, u32(5)));
        assertThat(route.table()).isEqualTo(100);
        assertThat(route.destination()).isEmpty();
        assertThat(route.is(100, new byte[0], 0, 5)).isTrue();
    }

    @Test
    void theLookedUpRouteToAnAddressOfThisHostIsLocal() {
        // ip -6 route get fe80::ffff:ffff:ffff: "local ... dev lo table local proto kernel" (rtm_type 2).
        RouteEntry route = route(
                "0a800000 ff020002 00000000",
                concat(
                        attribute(15, u32(255)),
                        attribute(1, TunnelInterfaceSpec.MIREDO_RELAY_LINK_LOCAL.getAddress()),
                        attribute(4, u32(1))));
        assertThat(route.local()).isTrue();
        assertThat(route.table()).isEqualTo(255);
    }

    private static RouteEntry route(String rtmsg, byte[] attributes) {
        return RouteEntry.of(NetlinkMessage.split(datagram(message(RTM_NEWROUTE, 2, 1, concat(hex(rtmsg), attributes))))
                .getFirst());
    }
}
