package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.server.netlink.NetlinkBytes.hex;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFA_F_NODAD;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFF_MULTICAST;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFF_UP;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLM_F_CREATE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLM_F_EXCL;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_DELADDR;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_DELROUTE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_NEWADDR;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_NEWROUTE;

import java.nio.ByteOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The requests, byte for byte. The bodies of the three set-up requests are the ones iproute2 6.1 sent for the
 * same commands ({@code strace -e trace=sendmsg -xx ip ...} on x86-64), so the kernel sees what it sees from ip.
 */
class RtnetlinkRequestsTest {
    private static final String FE80_FFFF = "fe800000000000000000ffffffffffff";
    private final NetlinkMessageWriter writer = new NetlinkMessageWriter(256);

    @BeforeAll
    static void littleEndian() {
        assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void linkSetAsIpLinkSetMtuTxqueuelenMulticastOffUp() {
        // ip link set dev t0 mtu 1400 txqueuelen 8192 multicast off up (t0 has index 2)
        RtnetlinkRequests.setLink(writer, 7, 2, 1400, 8192, IFF_UP, IFF_UP | IFF_MULTICAST);
        assertThat(hex(writer.finish()))
                .isEqualTo("30000000" + "1000" + "0500" + "07000000" + "00000000" + "00000000" + "02000000" + "01000000"
                        + "01100000" + "08000400" + "78050000" + "08000d00" + "00200000");
    }

    @Test
    void linkSetWithoutTxqueuelenLeavesItOut() {
        RtnetlinkRequests.setLink(writer, 7, 2, 1280, -1, 0, IFF_MULTICAST);
        assertThat(hex(writer.finish()))
                .isEqualTo("28000000" + "1000" + "0500" + "07000000" + "00000000" + "00000000" + "02000000" + "00000000"
                        + "00100000" + "08000400" + "00050000");
    }

    @Test
    void addressAsIpAddrAddNodad() {
        // ip -6 addr add fe80::ffff:ffff:ffff/64 dev t0 nodad
        RtnetlinkRequests.address(
                writer,
                8,
                RTM_NEWADDR,
                NLM_F_CREATE | NLM_F_EXCL,
                TunnelInterfaceSpec.MIREDO_RELAY_LINK_LOCAL,
                64,
                IFA_F_NODAD,
                2);
        assertThat(hex(writer.finish()))
                .isEqualTo("40000000" + "1400" + "0506" + "08000000" + "00000000" + "0a400200" + "02000000" + "14000200"
                        + FE80_FFFF + "14000100" + FE80_FFFF);
    }

    @Test
    void addressDeletion() {
        RtnetlinkRequests.address(writer, 9, RTM_DELADDR, 0, TunnelInterfaceSpec.MIREDO_RELAY_LINK_LOCAL, 64, 0, 2);
        assertThat(hex(writer.finish()))
                .isEqualTo("40000000" + "1500" + "0500" + "09000000" + "00000000" + "0a400000" + "02000000" + "14000200"
                        + FE80_FFFF + "14000100" + FE80_FFFF);
    }

    @Test
    void routeAsIpRouteAdd() {
        // ip -6 route add 2001:db8::/32 dev t0: main table (0xfe), proto boot (3), scope universe, unicast
        RtnetlinkRequests.route(
                writer, 10, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, TunnelInterfaceSpec.v6("2001:db8::"), 32, 2, 0);
        assertThat(hex(writer.finish()))
                .isEqualTo("38000000" + "1800" + "0506" + "0a000000" + "00000000"
                        + "0a200000" + "fe030001" + "00000000" + "14000100" + "20010db8000000000000000000000000"
                        + "08000400" + "02000000");
    }

    @Test
    void defaultRouteWithAMetric() {
        // ip -6 route add default dev t0 metric 1029
        RtnetlinkRequests.route(
                writer, 12, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, TunnelInterfaceSpec.v6("::"), 0, 2, 1029);
        assertThat(hex(writer.finish()))
                .isEqualTo("40000000" + "1800" + "0506" + "0c000000" + "00000000"
                        + "0a000000" + "fe030001" + "00000000" + "14000100" + "00000000000000000000000000000000"
                        + "08000400" + "02000000" + "08000600" + "05040000");
    }

    @Test
    void routeDeletionMatchesAnyProtocolAndType() {
        RtnetlinkRequests.route(writer, 11, RTM_DELROUTE, 0, TunnelInterfaceSpec.TEREDO_PREFIX, 32, 2, 0);
        assertThat(hex(writer.finish()))
                .isEqualTo("38000000" + "1900" + "0500" + "0b000000" + "00000000"
                        + "0a200000" + "fe000000" + "00000000" + "14000100" + "20010000000000000000000000000000"
                        + "08000400" + "02000000");
    }

    @Test
    void linkByNameRouteLookupAndRouteDump() {
        RtnetlinkRequests.getLink(writer, 1, "t0");
        assertThat(hex(writer.finish()))
                .isEqualTo("28000000" + "1200" + "0100" + "01000000" + "00000000" + "00000000" + "00000000" + "00000000"
                        + "00000000" + "07000300" + "74300000");
        // ip -6 route get fe80::ffff:ffff:ffff oif t0
        RtnetlinkRequests.getRoute(writer, 3, TunnelInterfaceSpec.MIREDO_RELAY_LINK_LOCAL, 2);
        assertThat(hex(writer.finish()))
                .isEqualTo("38000000" + "1a00" + "0100" + "03000000" + "00000000" + "0a800000" + "00000000" + "00000000"
                        + "14000100" + FE80_FFFF + "08000400" + "02000000");
        RtnetlinkRequests.dumpRoutes(writer, 2);
        assertThat(hex(writer.finish()))
                .isEqualTo(
                        "1c000000" + "1a00" + "0103" + "02000000" + "00000000" + "0a000000" + "00000000" + "00000000");
    }
}
