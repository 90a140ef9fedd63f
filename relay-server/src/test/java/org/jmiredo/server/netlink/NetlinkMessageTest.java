package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jmiredo.server.netlink.NetlinkBytes.attribute;
import static org.jmiredo.server.netlink.NetlinkBytes.concat;
import static org.jmiredo.server.netlink.NetlinkBytes.datagram;
import static org.jmiredo.server.netlink.NetlinkBytes.hex;
import static org.jmiredo.server.netlink.NetlinkBytes.message;
import static org.jmiredo.server.netlink.NetlinkBytes.text;
import static org.jmiredo.server.netlink.NetlinkBytes.u32;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLMSG_DONE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLMSG_ERROR;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLM_F_ACK_TLVS;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLM_F_CAPPED;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting a datagram into messages, and reading the kernel's acknowledgements. */
class NetlinkMessageTest {
    /** A part of a dump. */
    private static final int NLM_F_MULTI = 0x2;
    /** The header of a request as the kernel echoes it in an error: length, RTM_NEWADDR, flags, seq 7, port. */
    private static final byte[] ECHOED_HEADER = hex("40000000 1400 0506 07000000 00000000");

    @Test
    void splitsADatagramIntoItsMessages() {
        List<NetlinkMessage> messages = NetlinkMessage.split(datagram(
                message(24, NLM_F_MULTI, 3, concat(hex("0a200000 fe030001 00000000"), attribute(4, u32(2)))),
                message(NLMSG_DONE, NLM_F_MULTI, 3, u32(0)),
                message(NLMSG_ERROR, 0, 4, concat(u32(0), ECHOED_HEADER))));

        assertThat(messages).extracting(NetlinkMessage::type).containsExactly(24, NLMSG_DONE, NLMSG_ERROR);
        assertThat(messages).extracting(NetlinkMessage::sequence).containsExactly(3, 3, 4);
        assertThat(messages.getFirst().flags()).isEqualTo(NLM_F_MULTI);
        assertThat(messages.getFirst().payload().limit()).isEqualTo(20);
        assertThat(messages.getFirst()
                        .attributes(RtnetlinkConstants.RTMSG_LENGTH)
                        .u32(4))
                .hasValue(2);
    }

    @Test
    void aLengthPastTheDatagramIsRefused() {
        byte[] truncated = message(NLMSG_DONE, 0, 1, u32(0));
        truncated[0] = 40;
        assertThatThrownBy(() -> NetlinkMessage.split(datagram(truncated)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("malformed netlink message at 0: length 40");
    }

    @Test
    void anAcknowledgementIsErrorZero() {
        NetlinkAck ack = NetlinkAck.of(only(message(NLMSG_ERROR, NLM_F_CAPPED, 7, concat(u32(0), ECHOED_HEADER))));
        assertThat(ack.ok()).isTrue();
        assertThat(ack).isEqualTo(NetlinkAck.OK);
    }

    @Test
    void anErrorCarriesTheErrnoAndIsDescribedAsIproute2Does() {
        NetlinkAck ack = NetlinkAck.of(only(message(NLMSG_ERROR, NLM_F_CAPPED, 7, concat(u32(-17), ECHOED_HEADER))));
        assertThat(ack.ok()).isFalse();
        assertThat(ack.errno()).isEqualTo(17);
        assertThat(ack.kernelMessage()).isNull();
        assertThat(ack.describe()).isEqualTo("RTNETLINK answers: File exists");
    }

    @Test
    void theKernelsExtendedAckTextAfterACappedEcho() {
        NetlinkAck ack = NetlinkAck.of(only(message(
                NLMSG_ERROR,
                NLM_F_CAPPED | NLM_F_ACK_TLVS,
                7,
                concat(u32(-17), ECHOED_HEADER, attribute(1, text("ipv6: address already assigned"))))));
        assertThat(ack.errno()).isEqualTo(17);
        assertThat(ack.describe()).isEqualTo("RTNETLINK answers: File exists (ipv6: address already assigned)");
    }

    @Test
    void theKernelsExtendedAckTextAfterTheWholeRequestEchoed() {
        // Without NETLINK_CAP_ACK (refused by kernels before 4.3) the whole request comes back first.
        byte[] request = concat(
                hex("24000000 1800 0506 07000000 00000000"), hex("0a200000 fe030001 00000000"), attribute(4, u32(2)));
        NetlinkAck ack = NetlinkAck.of(only(message(
                NLMSG_ERROR,
                NLM_F_ACK_TLVS,
                7,
                concat(u32(-19), request, attribute(1, text("Nexthop device is not up"))))));
        assertThat(ack.describe()).isEqualTo("RTNETLINK answers: No such device (Nexthop device is not up)");
    }

    private static NetlinkMessage only(byte[] message) {
        return NetlinkMessage.split(datagram(message)).getFirst();
    }
}
