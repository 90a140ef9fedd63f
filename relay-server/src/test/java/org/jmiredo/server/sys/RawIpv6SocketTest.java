package org.jmiredo.server.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;
import org.junit.jupiter.api.Test;

/**
 * The native output of the Teredo server (RFC 4380 §5.3.1): on this kernel, an AF_INET6 SOCK_RAW
 * IPPROTO_RAW socket sends the buffer with its own IPv6 header. Proved on loopback only (LAB.md traffic
 * rules): a UDP datagram whose header we wrote (source port included) reaches a UDP socket on ::1, which
 * sees our source port; had the kernel prepended a header of its own, the next header would be 255 and
 * no UDP socket would get it.
 */
class RawIpv6SocketTest {
    private static final int SOURCE_PORT = 4242;
    private static final int UDP = 17;

    @Test
    void sendsTheIpv6PacketAsWrittenHeaderIncluded() throws Exception {
        Privileges.assumeNetAdmin(); // root: CAP_NET_RAW comes with it
        InetAddress loopback = Inet6Address.getByName("::1");
        try (DatagramChannel receiver = DatagramChannel.open(StandardProtocolFamily.INET6);
                RawIpv6Socket raw = RawIpv6Socket.open()) {
            receiver.bind(new InetSocketAddress(loopback, 0));
            int port = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
            byte[] payload = "teredo relay discovery".getBytes(StandardCharsets.US_ASCII);
            ByteBuf packet = udpPacket(SOURCE_PORT, port, payload);
            try {
                RawIpv6Socket.Sender sender = raw.sender(1280);
                assertThat(sender.send(packet)).isEqualTo(packet.readableBytes());
                assertThat(packet.readerIndex())
                        .as("the buffer is not consumed")
                        .isZero();
            } finally {
                packet.release();
            }
            ByteBuffer got = ByteBuffer.allocate(1500);
            InetSocketAddress from = receive(receiver, got);
            assertThat(from.getPort())
                    .as("the source port we wrote into the UDP header")
                    .isEqualTo(SOURCE_PORT);
            assertThat(from.getAddress()).isEqualTo(loopback);
            byte[] received = new byte[got.flip().remaining()];
            got.get(received);
            assertThat(received).isEqualTo(payload);
        }
    }

    /** Whatever stops the start, the line names the key that lets the server run without the socket. */
    @Test
    void everyOpenFailureNamesTheWayOut() {
        int eafnosupport = 97; // asm-generic/errno.h: a kernel booted with ipv6.disable=1
        for (int errno : new int[] {Errno.EPERM, Errno.EACCES, eafnosupport, Errno.EMFILE}) {
            assertThat(RawIpv6Socket.openHint(errno))
                    .as("errno %d", errno)
                    .contains("jmiredo.server.native-forwarding = false");
        }
    }

    @Test
    void refusesPacketsLargerThanTheSenderOrShorterThanAHeader() throws Exception {
        Privileges.assumeNetAdmin();
        try (RawIpv6Socket raw = RawIpv6Socket.open()) {
            RawIpv6Socket.Sender sender = raw.sender(128);
            ByteBuf big = udpPacket(SOURCE_PORT, 9, new byte[200]);
            ByteBuf tiny = Unpooled.wrappedBuffer(new byte[20]);
            try {
                assertThat(sender.send(big)).isEqualTo(-RawIpv6Socket.EMSGSIZE);
                assertThat(sender.send(tiny)).isEqualTo(-Errno.EINVAL);
            } finally {
                big.release();
                tiny.release();
            }
        }
    }

    @Test
    void aClosedSocketFailsWithEbadfInsteadOfSending() throws Exception {
        Privileges.assumeNetAdmin();
        RawIpv6Socket raw = RawIpv6Socket.open();
        RawIpv6Socket.Sender sender = raw.sender(1280);
        raw.close();
        raw.close(); // idempotent
        ByteBuf packet = udpPacket(SOURCE_PORT, 9, new byte[8]);
        try {
            assertThat(sender.send(packet)).isEqualTo(-Errno.EBADF);
        } finally {
            packet.release();
        }
    }

    private static InetSocketAddress receive(DatagramChannel channel, ByteBuffer into) throws Exception {
        channel.configureBlocking(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            InetSocketAddress from = (InetSocketAddress) channel.receive(into);
            if (from != null) {
                return from;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("nothing received on " + channel.getLocalAddress() + " within 10 s");
    }

    /** IPv6 (::1 to ::1, hop limit 64) + UDP with a valid checksum (mandatory over IPv6, RFC 8200 §8.1). */
    private static ByteBuf udpPacket(int sourcePort, int destinationPort, byte[] payload) {
        int udpLength = 8 + payload.length;
        ByteBuf buf = Unpooled.buffer(Ipv6.HEADER_LENGTH + udpLength);
        Ipv6.writeHeader(buf, 0, udpLength, UDP, 64, 0, 1, 0, 1);
        buf.writerIndex(Ipv6.HEADER_LENGTH);
        buf.writeShort(sourcePort)
                .writeShort(destinationPort)
                .writeShort(udpLength)
                .writeShort(0)
                .writeBytes(payload);
        buf.setShort(Ipv6.HEADER_LENGTH + 6, Checksum.upperLayer(buf, 0));
        return buf;
    }
}
