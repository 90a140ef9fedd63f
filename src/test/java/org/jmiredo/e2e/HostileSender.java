package org.jmiredo.e2e;

import static org.jmiredo.e2e.server.TeredoPacketTool.ICMPV6;
import static org.jmiredo.e2e.server.TeredoPacketTool.UDP;
import static org.jmiredo.e2e.server.TeredoPacketTool.echoRequest;
import static org.jmiredo.e2e.server.TeredoPacketTool.ipv6;
import static org.jmiredo.e2e.server.TeredoPacketTool.pace;
import static org.jmiredo.e2e.server.TeredoPacketTool.teredoAddress;
import static org.jmiredo.e2e.server.TeredoPacketTool.udp;

import io.netty.buffer.Unpooled;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jmiredo.server.sys.RawIpv6Socket;

/**
 * Hostile traffic for the live relay, run as a JVM of its own inside a lab namespace ({@code ip netns exec
 * NS java -cp TEST_CLASSES:DAEMON_JAR ...}); needs the JDK, the packet builders of the server suite's tool,
 * and for {@code raw} the daemon's raw socket. Bounded: every mode sends the count it is given and exits.
 *
 * <pre>
 * malformed RELAY PORT SERVER LOCAL LOCAL_PORT PRIVATE NATIVE COUNT
 *     COUNT of each {@link MalformedDatagram} from LOCAL:LOCAL_PORT (PRIVATE_SOURCE from PRIVATE:LOCAL_PORT).
 * spoof RELAY PORT SERVER FIRST_SOURCE SOURCES PORTS NATIVE
 *     From SOURCES consecutive IPv4 addresses (local to the namespace) times PORTS ports each: a bubble and
 *     an echo request to NATIVE, from the Teredo address that embeds that very address and port.
 * native-flood COUNT PER_SECOND FIRST_SERVER REPEATS
 *     UDP over IPv6 to COUNT random Teredo addresses whose servers are among the 254 addresses from
 *     FIRST_SERVER; every tenth packet goes to one of REPEATS fixed addresses instead, which never answer.
 * burst RELAY PORT SERVER LOCAL LOCAL_PORT NATIVE COUNT SIZE
 *     COUNT Teredo UDP packets of SIZE payload bytes to NATIVE, back to back, from a Teredo source that matches.
 * native-burst DESTINATION COUNT SIZE
 *     COUNT UDP datagrams over IPv6 of SIZE bytes to DESTINATION (a Teredo address), back to back.
 * native-udp COUNT DESTINATION...
 *     COUNT UDP datagrams over IPv6 to each DESTINATION (Teredo addresses), through the kernel's own stack.
 * client CLIENT CLIENT_PORT CLIENT_TEREDO SERVER STRANGER STRANGER_PORT COUNT
 *     COUNT of each {@link ClientHostileDatagram} to a client, from SERVER:3544 (an address local to the namespace,
 *     as if from its server) or from STRANGER:STRANGER_PORT (its RA from STRANGER:3544).
 * teredo-peers CLIENT CLIENT_PORT CLIENT_TEREDO LOCAL LOCAL_PORT COUNT PER_SECOND
 *     COUNT bubbles at PER_SECOND to a client (at CLIENT_TEREDO) from LOCAL:LOCAL_PORT, each from another Teredo
 *     address that embeds that very mapping (its server, 203.0.113.0/24, and its flags differ): no forged IPv4
 *     source needed.
 * native-sources CLIENT CLIENT_PORT CLIENT_TEREDO LOCAL LOCAL_PORT COUNT PER_SECOND
 *     COUNT echo requests at PER_SECOND to a client (at CLIENT_TEREDO) from LOCAL:LOCAL_PORT, each from another
 *     native source in 2001:db8:77::/64, which no namespace of the lab has or routes: none answers its test.
 * raw COUNT SOURCE DESTINATION PACKET...
 *     COUNT of each {@link NativePacket} named, from SOURCE to DESTINATION, through a raw IPv6 socket that
 *     sends the header as built (the daemon's own RawIpv6Socket, from its jar on the class path); those
 *     larger than the path MTU the host learned are left out (EMSGSIZE).
 * </pre>
 */
final class HostileSender {
    private static final int DISCARD_PORT = 9;
    private static final int TEREDO_PORT = 3544;

    private HostileSender() {}

    /** The command line that runs this tool with {@code args} in its own small JVM, from the test classes. */
    static List<String> command(String... args) {
        try {
            Path classes = Path.of(HostileSender.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            // The daemon's jar for its raw socket (and Netty's buffers), which needs native access.
            List<String> command = new ArrayList<>(List.of(
                    RelayKind.java().toString(),
                    "-Xmx64m",
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    classes + File.pathSeparator + RelayKind.jar(),
                    HostileSender.class.getName()));
            command.addAll(List.of(args));
            return command;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        long sent =
                switch (args[0]) {
                    case "malformed" -> malformed(args);
                    case "spoof" -> spoof(args);
                    case "native-flood" ->
                        nativeFlood(
                                Integer.parseInt(args[1]),
                                Integer.parseInt(args[2]),
                                ip(args[3]),
                                Integer.parseInt(args[4]));
                    case "burst" -> burst(args);
                    case "native-burst" ->
                        nativeBurst(
                                new InetSocketAddress(InetAddress.getByName(args[1]), DISCARD_PORT),
                                Integer.parseInt(args[2]),
                                Integer.parseInt(args[3]));
                    case "native-udp" -> nativeUdp(args);
                    case "client" -> client(args);
                    case "teredo-peers" -> teredoPeers(args);
                    case "native-sources" -> nativeSources(args);
                    case "raw" -> raw(args);
                    default -> throw new IllegalArgumentException("unknown mode " + args[0]);
                };
        System.out.printf("%s: sent %d datagrams in %d ms%n", args[0], sent, (System.nanoTime() - start) / 1_000_000);
    }

    private static long malformed(String[] a) throws IOException {
        InetSocketAddress relay = new InetSocketAddress(InetAddress.getByName(a[1]), Integer.parseInt(a[2]));
        int port = Integer.parseInt(a[5]);
        int count = Integer.parseInt(a[8]);
        var context = new MalformedDatagram.Context(ip(a[3]), ip(a[4]), port, ip(a[7]));
        long sent = 0;
        try (DatagramChannel main = bound(a[4], port);
                DatagramChannel priv = bound(a[6], port)) {
            for (MalformedDatagram d : MalformedDatagram.values()) {
                DatagramChannel from = d == MalformedDatagram.PRIVATE_SOURCE ? priv : main;
                byte[] bytes = d.bytes(context);
                for (int i = 0; i < count; i++) {
                    from.send(ByteBuffer.wrap(bytes), relay);
                    sent++;
                }
            }
        }
        return sent;
    }

    private static long client(String[] a) throws IOException {
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName(a[1]), Integer.parseInt(a[2]));
        int strangerPort = Integer.parseInt(a[6]);
        int count = Integer.parseInt(a[7]);
        var context = new ClientHostileDatagram.Context(ip(a[4]), ip(a[3]), ip(a[5]), strangerPort);
        long sent = 0;
        try (DatagramChannel server = bound(a[4], TEREDO_PORT);
                DatagramChannel stranger = bound(a[5], strangerPort);
                DatagramChannel strangerService = bound(a[5], TEREDO_PORT)) {
            for (ClientHostileDatagram d : ClientHostileDatagram.values()) {
                DatagramChannel from =
                        d.fromServer ? server : d == ClientHostileDatagram.STRANGER_RA ? strangerService : stranger;
                byte[] bytes = d.bytes(context);
                for (int i = 0; i < count; i++) {
                    from.send(ByteBuffer.wrap(bytes), client);
                    sent++;
                }
            }
        }
        return sent;
    }

    private static long teredoPeers(String[] a) throws IOException, InterruptedException {
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName(a[1]), Integer.parseInt(a[2]));
        byte[] local = ip(a[4]);
        int port = Integer.parseInt(a[5]);
        int count = Integer.parseInt(a[6]);
        int perSecond = Integer.parseInt(a[7]);
        byte[] server = ip("203.0.113.0");
        ByteBuffer bubble = ByteBuffer.wrap(ipv6(teredoAddress(server, local, port), ip(a[3]), 59, new byte[0]));
        long start = System.nanoTime();
        try (DatagramChannel ch = bound(a[4], port)) {
            for (int i = 0; i < count; i++) {
                bubble.put(15, (byte) i).putShort(16, (short) (i >>> 8)); // the source's server (last octet), flags
                ch.send(bubble.clear(), client);
                pace(start, i + 1, perSecond);
            }
        }
        return count;
    }

    private static long nativeSources(String[] a) throws IOException, InterruptedException {
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName(a[1]), Integer.parseInt(a[2]));
        int port = Integer.parseInt(a[5]);
        int count = Integer.parseInt(a[6]);
        int perSecond = Integer.parseInt(a[7]);
        ByteBuffer echo = ByteBuffer.wrap(ipv6(ip("2001:db8:77::"), ip(a[3]), ICMPV6, echoRequest(8)));
        long start = System.nanoTime();
        try (DatagramChannel ch = bound(a[4], port)) {
            for (int i = 0; i < count; i++) {
                // A new source each: its last 32 bits. The echo's checksum is left as built: the client never
                // checks it, and the datagrams are held, never delivered.
                echo.putInt(20, i + 1);
                ch.send(echo.clear(), client);
                pace(start, i + 1, perSecond);
            }
        }
        return count;
    }

    private static long spoof(String[] a) throws IOException {
        InetSocketAddress relay = new InetSocketAddress(InetAddress.getByName(a[1]), Integer.parseInt(a[2]));
        byte[] server = ip(a[3]);
        int first = ByteBuffer.wrap(ip(a[4])).getInt();
        int sources = Integer.parseInt(a[5]);
        int ports = Integer.parseInt(a[6]);
        byte[] nativeHost = ip(a[7]);
        long sent = 0;
        for (int s = 0; s < sources; s++) {
            byte[] source = ByteBuffer.allocate(4).putInt(first + s).array();
            for (int p = 0; p < ports; p++) {
                int port = 20_000 + p;
                byte[] teredo = teredoAddress(server, source, port);
                try (DatagramChannel ch = bound(InetAddress.getByAddress(source).getHostAddress(), port)) {
                    ch.send(ByteBuffer.wrap(ipv6(teredo, teredo, 59, new byte[0])), relay); // a bubble
                    ch.send(ByteBuffer.wrap(ipv6(teredo, nativeHost, ICMPV6, echoRequest(16))), relay);
                    sent += 2;
                }
            }
        }
        return sent;
    }

    private static long nativeFlood(int count, int perSecond, byte[] firstServer, int repeats)
            throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom(4380);
        InetSocketAddress[] fixed = new InetSocketAddress[repeats];
        for (int i = 0; i < repeats; i++) {
            fixed[i] = randomTeredo(random, firstServer);
        }
        ByteBuffer payload = ByteBuffer.allocate(32);
        long start = System.nanoTime();
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            for (int i = 0; i < count; i++) {
                InetSocketAddress to =
                        repeats > 0 && i % 10 == 0 ? fixed[(i / 10) % repeats] : randomTeredo(random, firstServer);
                ch.send(payload.clear(), to);
                pace(start, i + 1, perSecond);
            }
        }
        return count;
    }

    /** A Teredo address with a server among the 254 from {@code firstServer} and a random global mapping. */
    private static InetSocketAddress randomTeredo(SplittableRandom random, byte[] firstServer) throws IOException {
        byte[] server = firstServer.clone();
        server[3] = (byte) (1 + random.nextInt(254));
        byte[] mapped = firstServer.clone();
        mapped[3] = (byte) random.nextInt(256);
        byte[] address = teredoAddress(server, mapped, 1024 + random.nextInt(64_000));
        return new InetSocketAddress(InetAddress.getByAddress(address), DISCARD_PORT);
    }

    private static long burst(String[] a) throws IOException {
        InetSocketAddress relay = new InetSocketAddress(InetAddress.getByName(a[1]), Integer.parseInt(a[2]));
        int port = Integer.parseInt(a[5]);
        byte[] packet = ipv6(teredoAddress(ip(a[3]), ip(a[4]), port), ip(a[6]), UDP, udp(Integer.parseInt(a[8])));
        int count = Integer.parseInt(a[7]);
        try (DatagramChannel ch = bound(a[4], port)) {
            for (int i = 0; i < count; i++) {
                ch.send(ByteBuffer.wrap(packet), relay);
            }
        }
        return count;
    }

    private static long nativeBurst(InetSocketAddress to, int count, int size) throws IOException {
        ByteBuffer payload = ByteBuffer.allocate(size);
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            for (int i = 0; i < count; i++) {
                ch.send(payload.clear(), to);
            }
        }
        return count;
    }

    private static long nativeUdp(String[] a) throws IOException {
        int count = Integer.parseInt(a[1]);
        long sent = 0;
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            for (int d = 2; d < a.length; d++) {
                InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(a[d]), DISCARD_PORT);
                for (int i = 0; i < count; i++) {
                    ch.send(ByteBuffer.allocate(32), to);
                    sent++;
                }
            }
        }
        return sent;
    }

    private static long raw(String[] a) throws IOException {
        int count = Integer.parseInt(a[1]);
        byte[] source = ip(a[2]);
        byte[] destination = ip(a[3]);
        long sent = 0;
        try (RawIpv6Socket socket = RawIpv6Socket.open()) {
            RawIpv6Socket.Sender sender = socket.sender(2048);
            for (int p = 4; p < a.length; p++) {
                byte[] packet = NativePacket.valueOf(a[p]).bytes(source, destination);
                for (int i = 0; i < count; i++) {
                    int result = sender.send(Unpooled.wrappedBuffer(packet));
                    if (result == -RawIpv6Socket.EMSGSIZE) {
                        continue; // larger than the path MTU this host learned from a Packet Too Big
                    }
                    if (result < 0) {
                        throw new IOException(a[p] + ": sendto failed, errno " + -result);
                    }
                    sent++;
                }
            }
        }
        return sent;
    }

    private static DatagramChannel bound(String address, int port) throws IOException {
        return DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(address, port));
    }

    private static byte[] ip(String text) throws IOException {
        return InetAddress.getByName(text).getAddress();
    }
}
