package org.jmiredo.server.transport;

import static org.jmiredo.server.tun.linux.EchoPackets.ECHO_REPLY;
import static org.jmiredo.server.tun.linux.EchoPackets.ECHO_REQUEST;
import static org.jmiredo.server.tun.linux.EchoPackets.v6;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;
import org.jmiredo.server.tun.linux.EchoPackets;
import org.jmiredo.server.tun.linux.RecordingReceiver;

/**
 * Run by {@link NonRootPersistentTunTest} in a child JVM, as an unprivileged user inside a namespace: starts the
 * transport on TUN {@code args[0]} with {@code tunPersistent = args[1]}, and reports on stdout, one line each,
 * prefixed "PROBE": its credentials, then "ERROR message" (start failed, exit 2), or "READY", then, once it has
 * read an echo request for 2001:db8::1 that the kernel routed into the device (the parent pings after READY)
 * and written an echo request whose reply the kernel sent back through the device, "OK" (exit 0).
 */
public final class PersistentTunProbe {
    static final Inet6Address PINGED = v6("2001:db8::1");
    private static final Inet6Address PEER = v6("2001:db8:1::1");

    private PersistentTunProbe() {}

    public static void main(String[] args) throws Exception {
        report("uid " + status("Uid:") + " capeff " + status("CapEff:"));
        TransportSettings settings = TransportSettings.defaults()
                .withEventLoops(2)
                .withBind((Inet4Address) InetAddress.getByName("127.0.0.1"), 0)
                .withTun(args[0], v6("2001:db8::"), 32)
                .withPersistentTun(Boolean.parseBoolean(args[1]));
        EchoWiring wiring = new EchoWiring();
        Transport transport;
        try {
            transport = Transport.start(settings, wiring);
        } catch (IOException e) {
            report("ERROR " + e.getMessage());
            System.exit(2);
            return;
        }
        int exit;
        try (transport) {
            report("READY");
            exit = exchange(transport, wiring) ? 0 : 1;
        }
        System.exit(exit);
    }

    private static boolean exchange(Transport transport, EchoWiring wiring) throws Exception {
        RecordingReceiver.Seen pinged = RecordingReceiver.next(
                wiring.tunPackets,
                p -> EchoPackets.icmpType(p) == ECHO_REQUEST
                        && EchoPackets.destination(p).equals(PINGED),
                20_000);
        if (pinged == null) {
            report("FAIL no echo request for 2001:db8::1 read from the device");
            return false;
        }
        Channel channel = transport.relayChannels().getFirst();
        byte[] request = EchoPackets.echoRequest(
                PEER, TunnelInterfaceSpec.MIREDO_RELAY_LINK_LOCAL, 0x5151, 1, "as nobody".getBytes());
        boolean written = channel.eventLoop()
                .submit(() -> wiring.queueAtInit.get(channel).write(Unpooled.wrappedBuffer(request)))
                .get(5, TimeUnit.SECONDS);
        RecordingReceiver.Seen reply = RecordingReceiver.next(
                wiring.tunPackets,
                p -> EchoPackets.icmpType(p) == ECHO_REPLY
                        && EchoPackets.destination(p).equals(PEER),
                10_000);
        if (!written || reply == null) {
            report("FAIL written " + written + ", reply " + (reply != null));
            return false;
        }
        report("OK read on queue " + pinged.queue() + ", reply on queue " + reply.queue());
        return true;
    }

    private static String status(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith(field))
                .map(l -> l.substring(field.length()).strip().split("\\s+")[0])
                .findFirst()
                .orElse("?");
    }

    private static void report(String line) {
        System.out.println("PROBE " + line);
        System.out.flush();
    }
}
