package org.jmiredo.e2e.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Crafted Teredo datagrams for the server's hostile end-to-end cases, run as its own JVM inside a lab
 * namespace ({@code ip netns exec NS java -cp TEST_CLASSES ...}). Self-contained on purpose: it writes
 * the bytes itself (RFC 4380 section 4 address layout, RFC 8200 header, RFC 1071 checksum) rather than
 * with the production codec it is testing, and needs nothing but the JDK. Bounded: it sends the count
 * it is given at the rate it is given and exits.
 *
 * <pre>
 * rs-flood SERVER COUNT FIRST_SOURCE SOURCES PER_SECOND [PORTS]
 *     Router Solicitations from SOURCES consecutive IPv4 addresses starting at FIRST_SOURCE (each one
 *     a local address of the namespace), PORTS sockets (ports) per address (2 by default), round robin.
 * send SERVER LOCAL_IP LOCAL_PORT DESTINATION KIND PAYLOAD COUNT
 *     Teredo datagrams whose IPv6 source is the Teredo address of LOCAL_IP:LOCAL_PORT with SERVER as
 *     its server (so the server's rule 5 accepts the source), towards the IPv6 DESTINATION; KIND is
 *     echo (ICMPv6 echo request), udp or tcp (a SYN), with PAYLOAD bytes after the upper-layer header.
 * bubble-flood SERVER COUNT PER_SECOND PORTS VICTIM
 *     Bubbles from a native source (2001:db8:66::1, accepted by the server's rule 6) from PORTS sockets of the
 *     namespace's address, to Teredo addresses of SERVER's clients that all embed the IPv4 VICTIM, each with
 *     another port: what the server forwards goes to VICTIM (a reflection aimed at one host, any port).
 * </pre>
 */
public final class TeredoPacketTool {
    static final int TEREDO_PORT = 3544;
    public static final int ICMPV6 = 58;
    public static final int UDP = 17;
    private static final int TCP = 6;

    private TeredoPacketTool() {}

    /** This tool as a JVM of its own in a namespace, from this module's test classes. */
    static List<String> command(String... args) {
        try {
            Path classes = Path.of(TeredoPacketTool.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            List<String> command = new ArrayList<>(List.of(
                    ServerPeers.java().toString(),
                    "-Xmx64m",
                    "-cp",
                    classes.toString(),
                    TeredoPacketTool.class.getName()));
            command.addAll(List.of(args));
            return command;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "rs-flood" ->
                rsFlood(
                        InetAddress.getByName(args[1]),
                        Integer.parseInt(args[2]),
                        InetAddress.getByName(args[3]),
                        Integer.parseInt(args[4]),
                        Integer.parseInt(args[5]),
                        args.length > 6 ? Integer.parseInt(args[6]) : 2);
            case "send" ->
                send(
                        InetAddress.getByName(args[1]),
                        InetAddress.getByName(args[2]),
                        Integer.parseInt(args[3]),
                        InetAddress.getByName(args[4]),
                        args[5],
                        Integer.parseInt(args[6]),
                        Integer.parseInt(args[7]));
            case "bubble-flood" ->
                bubbleFlood(
                        InetAddress.getByName(args[1]),
                        Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]),
                        InetAddress.getByName(args[5]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void rsFlood(InetAddress server, int count, InetAddress first, int sources, int perSecond, int ports)
            throws IOException, InterruptedException {
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            int base = ByteBuffer.wrap(first.getAddress()).getInt();
            for (int i = 0; i < sources; i++) {
                InetAddress source = InetAddress.getByAddress(
                        ByteBuffer.allocate(4).putInt(base + i).array());
                for (int port = 0; port < ports; port++) {
                    sockets.add(new DatagramSocket(new InetSocketAddress(source, 0)));
                }
            }
            byte[] rs = routerSolicitation();
            InetSocketAddress target = new InetSocketAddress(server, TEREDO_PORT);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                sockets.get(i % sockets.size()).send(new DatagramPacket(rs, rs.length, target));
                pace(start, i + 1, perSecond);
            }
            System.out.printf(
                    "sent %d router solicitations from %d sources in %d ms%n",
                    count, sockets.size(), (System.nanoTime() - start) / 1_000_000);
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
    }

    private static void bubbleFlood(InetAddress server, int count, int perSecond, int ports, InetAddress victim)
            throws IOException, InterruptedException {
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            for (int port = 0; port < ports; port++) {
                sockets.add(new DatagramSocket());
            }
            byte[] source = InetAddress.getByName("2001:db8:66::1").getAddress();
            List<byte[]> bubbles = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                byte[] destination = teredoAddress(server.getAddress(), victim.getAddress(), 1024 + i);
                bubbles.add(ipv6(source, destination, 59, new byte[0]));
            }
            InetSocketAddress target = new InetSocketAddress(server, TEREDO_PORT);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                byte[] bubble = bubbles.get(i % bubbles.size());
                sockets.get(i % sockets.size()).send(new DatagramPacket(bubble, bubble.length, target));
                pace(start, i + 1, perSecond);
            }
            System.out.printf(
                    "sent %d bubbles towards %s from %d ports in %d ms%n",
                    count, victim.getHostAddress(), sockets.size(), (System.nanoTime() - start) / 1_000_000);
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
    }

    /** Sleeps whenever the sender is ahead of {@code perSecond}. */
    public static void pace(long startNanos, int sent, int perSecond) throws InterruptedException {
        long due = startNanos + sent * 1_000_000_000L / perSecond;
        long ahead = due - System.nanoTime();
        if (ahead > 1_000_000) {
            Thread.sleep(ahead / 1_000_000);
        }
    }

    private static void send(
            InetAddress server,
            InetAddress local,
            int localPort,
            InetAddress destination,
            String kind,
            int payload,
            int count)
            throws IOException {
        byte[] source = teredoAddress(server.getAddress(), local.getAddress(), localPort);
        byte[] packet =
                switch (kind) {
                    case "echo" -> ipv6(source, destination.getAddress(), ICMPV6, echoRequest(payload));
                    case "udp" -> ipv6(source, destination.getAddress(), UDP, udp(payload));
                    case "tcp" -> ipv6(source, destination.getAddress(), TCP, tcpSyn(payload));
                    default -> throw new IllegalArgumentException("kind must be echo, udp or tcp: " + kind);
                };
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(local, localPort))) {
            for (int i = 0; i < count; i++) {
                socket.send(new DatagramPacket(packet, packet.length, new InetSocketAddress(server, TEREDO_PORT)));
            }
        }
        System.out.printf(
                "sent %d %s packets of %d bytes from %s%n",
                count, kind, packet.length, InetAddress.getByAddress(source).getHostAddress());
    }

    /** RFC 4380 section 4: prefix 2001:0000, server IPv4, flags 0, then port and IPv4 bit-inverted. */
    public static byte[] teredoAddress(byte[] serverIpv4, byte[] mappedIpv4, int mappedPort) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putInt(0x2001_0000).put(serverIpv4).putShort((short) 0).putShort((short) ~mappedPort);
        for (byte octet : mappedIpv4) {
            b.put((byte) ~octet);
        }
        return b.array();
    }

    /** An RS (RFC 4861 section 4.1) from fe80::ffff:ffff:fffe, as Teredo clients send it, to ff02::2. */
    static byte[] routerSolicitation() {
        byte[] src = new byte[16];
        src[0] = (byte) 0xfe;
        src[1] = (byte) 0x80;
        for (int i = 10; i < 16; i++) {
            src[i] = (byte) 0xff;
        }
        src[15] = (byte) 0xfe;
        byte[] dst = new byte[16];
        dst[0] = (byte) 0xff;
        dst[1] = 0x02;
        dst[15] = 0x02;
        byte[] icmp = new byte[8];
        icmp[0] = (byte) 133;
        byte[] packet = ipv6(src, dst, ICMPV6, icmp);
        packet[7] = (byte) 255; // hop limit 255, as RFC 4861 section 6.1.1 requires
        return packet;
    }

    public static byte[] echoRequest(int payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload);
        b.put((byte) 128)
                .put((byte) 0)
                .putShort((short) 0)
                .putShort((short) 0x4a4d)
                .putShort((short) 1);
        return b.array();
    }

    public static byte[] udp(int payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload);
        b.putShort((short) 40000)
                .putShort((short) 9)
                .putShort((short) (8 + payload))
                .putShort((short) 0);
        return b.array();
    }

    private static byte[] tcpSyn(int payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload);
        b.putShort((short) 40000).putShort((short) 5201).putInt(1).putInt(0);
        b.put((byte) 0x50).put((byte) 0x02).putShort((short) 65535).putInt(0); // offset 5, SYN
        return b.array();
    }

    /**
     * IPv6 header (hop limit 64) + the upper layer; the checksum field of ICMPv6, UDP or TCP is filled in,
     * any other next header (a bubble's 59, an extension header) is left as given.
     */
    public static byte[] ipv6(byte[] src, byte[] dst, int nextHeader, byte[] upper) {
        ByteBuffer b = ByteBuffer.allocate(40 + upper.length);
        b.putInt(0x6000_0000)
                .putShort((short) upper.length)
                .put((byte) nextHeader)
                .put((byte) 64);
        b.put(src).put(dst).put(upper);
        byte[] packet = b.array();
        if (nextHeader != ICMPV6 && nextHeader != UDP && nextHeader != TCP) {
            return packet;
        }
        int checksumAt = 40
                + switch (nextHeader) {
                    case ICMPV6 -> 2;
                    case UDP -> 6;
                    default -> 16;
                };
        int sum = checksum(packet, nextHeader, upper.length);
        packet[checksumAt] = (byte) (sum >>> 8);
        packet[checksumAt + 1] = (byte) sum;
        return packet;
    }

    /** RFC 1071 over the IPv6 pseudo-header (RFC 8200 section 8.1) and the upper layer. */
    private static int checksum(byte[] packet, int nextHeader, int length) {
        long sum = length + nextHeader;
        for (int i = 8; i < 40; i += 2) {
            sum += ((packet[i] & 0xff) << 8) | (packet[i + 1] & 0xff);
        }
        for (int i = 40; i < 40 + length; i += 2) {
            int low = i + 1 < 40 + length ? packet[i + 1] & 0xff : 0;
            sum += ((packet[i] & 0xff) << 8) | low;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        int result = (int) ~sum & 0xffff;
        return result == 0 && nextHeader == UDP ? 0xffff : result;
    }
}
