package org.jmiredo.fuzz;

import static org.jmiredo.fuzz.RelayScenario.check;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.util.function.Consumer;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Teredo;

/** What a scenario's UDP channel sent since the last look. */
final class SentDatagrams {
    private SentDatagrams() {}

    /**
     * Checks, hands to {@code each} and releases every datagram {@code channel} sent: to a global IPv4 and a
     * port (RFC 4380 §5.2.4, §5.4.1: never elsewhere), at most the Teredo MTU (§5.1.2; a relay and a client
     * add no Teredo header to what they carry). Returns how many there were.
     */
    static int drain(EmbeddedChannel channel, Consumer<DatagramPacket> each) {
        int count = 0;
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            count++;
            DatagramPacket p = (DatagramPacket) msg;
            try {
                int ipv4 = SocketAddresses.ipv4(p.recipient());
                check(
                        Ipv4.isGlobalUnicast(ipv4) && p.recipient().getPort() != 0,
                        "sent to " + Ipv4.toString(ipv4) + ":" + p.recipient().getPort());
                int length = p.content().readableBytes();
                check(length <= Teredo.MTU, "datagram of " + length + " bytes");
                each.accept(p);
            } finally {
                p.release();
            }
        }
        return count;
    }
}
