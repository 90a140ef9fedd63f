package org.jmiredo.e2e;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Shell;

/**
 * A Teredo client made by hand, run as its own JVM inside a lab namespace ({@link #send}): from a UDP
 * socket bound to {@code bindIpv4:bindPort} it sends {@code bursts} bursts of {@code segments} back-to-back
 * Teredo datagrams to the relay, each burst one TCP flow of full, in-sequence ACK-only segments (what the
 * relay's coalescer merges) from the Teredo address that embeds that socket (RFC 4380 section 4, flags 0)
 * to {@code dst:dstPort}. In every burst segment {@code badIndex} has one payload byte changed after its
 * checksum was computed: corruption in flight, as the receiver's TCP must see it. Independent of the
 * production codec, like {@link TeredoAddressView}.
 */
final class TcpBurstSender {

    private static final int IPV6_HEADER = 40;
    private static final int TCP_HEADER = 20;
    private static final int TCP = 6;
    private static final int FLAG_ACK = 0x10;
    /** Fits the Teredo MTU of 1280 with room to spare. */
    static final int PAYLOAD = 1000;
    /** Between bursts: each burst should reach the relay in one read of its socket, apart from the next. */
    private static final long GAP_MILLIS = 20;

    private TcpBurstSender() {}

    /** Runs the sender in {@code from} with the daemon's JVM and this class's own class directory. */
    static void send(
            Netns from,
            String relay,
            int relayPort,
            String server,
            String bindIpv4,
            int bindPort,
            String dst,
            int dstPort,
            int bursts,
            int segments,
            int badIndex) {
        Path classes;
        try {
            classes = Path.of(TcpBurstSender.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Shell.Result r = from.exec(
                Duration.ofSeconds(30),
                List.of(
                        RelayKind.java().toString(),
                        "-cp",
                        classes.toString(),
                        TcpBurstSender.class.getName(),
                        relay,
                        Integer.toString(relayPort),
                        server,
                        bindIpv4,
                        Integer.toString(bindPort),
                        dst,
                        Integer.toString(dstPort),
                        Integer.toString(bursts),
                        Integer.toString(segments),
                        Integer.toString(badIndex)));
        if (!r.ok()) {
            throw new AssertionError(
                    "TcpBurstSender in " + from.name() + " failed (exit " + r.exit() + "):\n" + r.output());
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        InetSocketAddress relay = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        byte[] server = InetAddress.getByName(args[2]).getAddress();
        byte[] bindIpv4 = InetAddress.getByName(args[3]).getAddress();
        int bindPort = Integer.parseInt(args[4]);
        byte[] dst = ((Inet6Address) InetAddress.getByName(args[5])).getAddress();
        int dstPort = Integer.parseInt(args[6]);
        int bursts = Integer.parseInt(args[7]);
        int segments = Integer.parseInt(args[8]);
        int badIndex = Integer.parseInt(args[9]);
        byte[] src = teredoAddress(server, bindIpv4, bindPort);
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getByAddress(bindIpv4), bindPort));
            for (int burst = 0; burst < bursts; burst++) {
                int srcPort = 20000 + burst; // one flow per burst
                int seq = ThreadLocalRandom.current().nextInt();
                for (int i = 0; i < segments; i++) {
                    ByteBuffer packet = segment(src, dst, srcPort, dstPort, seq + i * PAYLOAD, i == badIndex);
                    channel.send(packet, relay);
                }
                Thread.sleep(GAP_MILLIS);
            }
        }
    }

    /** 2001:0::/32, the server's IPv4, flags 0, then the port and IPv4 bit-inverted (R-4-obfuscate). */
    private static byte[] teredoAddress(byte[] server, byte[] ipv4, int port) {
        ByteBuffer a = ByteBuffer.allocate(16)
                .putInt(0x2001_0000)
                .put(server)
                .putShort((short) 0)
                .putShort((short) ~port);
        for (byte b : ipv4) {
            a.put((byte) ~b);
        }
        return a.array();
    }

    private static ByteBuffer segment(byte[] src, byte[] dst, int srcPort, int dstPort, int seq, boolean corrupt) {
        int l4 = TCP_HEADER + PAYLOAD;
        ByteBuffer p = ByteBuffer.allocate(IPV6_HEADER + l4);
        p.putInt(6 << 28)
                .putShort((short) l4)
                .put((byte) TCP)
                .put((byte) 64)
                .put(src)
                .put(dst);
        p.putShort((short) srcPort)
                .putShort((short) dstPort)
                .putInt(seq)
                .putInt(1)
                .put((byte) (5 << 4))
                .put((byte) FLAG_ACK)
                .putShort((short) 0xffff)
                .putShort((short) 0)
                .putShort((short) 0);
        for (int i = 0; i < PAYLOAD; i++) {
            p.put((byte) (i * 7));
        }
        p.putShort(IPV6_HEADER + 16, (short) tcpChecksum(p.array(), src, dst, l4));
        if (corrupt) {
            int at = IPV6_HEADER + TCP_HEADER + PAYLOAD / 2;
            p.put(at, (byte) (p.get(at) ^ 0x5a)); // a one-byte change always changes the ones' complement sum
        }
        return p.flip();
    }

    /** RFC 8200 section 8.1: ones' complement sum over the pseudo-header and the TCP segment. */
    private static int tcpChecksum(byte[] packet, byte[] src, byte[] dst, int l4) {
        long sum = l4 + TCP;
        for (int i = 0; i < 16; i += 2) {
            sum += ((src[i] & 0xff) << 8 | (src[i + 1] & 0xff)) + ((dst[i] & 0xff) << 8 | (dst[i + 1] & 0xff));
        }
        for (int i = IPV6_HEADER; i < IPV6_HEADER + l4; i += 2) {
            sum += (packet[i] & 0xff) << 8 | (i + 1 < IPV6_HEADER + l4 ? packet[i + 1] & 0xff : 0);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }
}
