package org.jmiredo.pipeline.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.engine.server.DestinationBudget;
import org.jmiredo.engine.server.Packets;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.engine.server.ServerOutput;
import org.jmiredo.engine.server.ServerRules;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoHeaders;

/**
 * Our server's rules behind a NAT at 198.51.100.20:40000, answering the RS a client channel wrote: the
 * lab's server for the client's channel tests and the client's fuzz target.
 */
public final class ServerSide {
    public static final QualificationSettings SETTINGS =
            new QualificationSettings(Packets.ipv4(Packets.PRIMARY), Packets.ipv4(Packets.SECONDARY), Teredo.PREFIX);

    private final ServerRules rules;

    public ServerSide(ByteBufAllocator alloc) {
        rules = new ServerRules(
                Packets.labSettings(),
                0,
                DestinationBudget.withSecretKey(0, 2),
                alloc,
                () -> 1_000,
                new DataPathCounters());
    }

    /** Takes the RS the client wrote last and returns the server's RA as the client receives it. */
    DatagramPacket answer(EmbeddedChannel client) {
        DatagramPacket rs = client.readOutbound();
        assertThat(rs).as("an RS").isNotNull();
        assertThat(rs.recipient().getPort()).isEqualTo(Teredo.SERVICE_PORT);
        int server = SocketAddresses.ipv4(rs.recipient());
        ByteBuf ra = answer(rs.content(), server, Packets.NAT_PORT);
        rs.release();
        assertThat(ra).as("the server's answer").isNotNull();
        return new DatagramPacket(
                ra,
                new InetSocketAddress(Packets.ip("192.168.77.2"), 40000),
                SocketAddresses.of(server, Teredo.SERVICE_PORT));
    }

    /**
     * The RA our server sends to the RS {@code rs} (left as it was) that reached {@code server} from the NAT
     * at 198.51.100.20:{@code natPort}; null when the server refuses it.
     */
    public ByteBuf answer(ByteBuf rs, int server, int natPort) {
        TeredoHeaders headers = new TeredoHeaders();
        if (headers.parse(rs) != null) {
            return null;
        }
        ServerEndpoint on = server == SETTINGS.primaryServer() ? ServerEndpoint.PRIMARY : ServerEndpoint.SECONDARY;
        List<ByteBuf> answers = new ArrayList<>();
        DropReason refused = rules.process(rs, headers, on, Packets.ipv4(Packets.NAT), natPort, new ServerOutput() {
            @Override
            public void toUdp(ByteBuf answer, ServerEndpoint from, int ipv4, int port, Counter kind) {
                answers.add(answer);
            }

            @Override
            public void toNative(ByteBuf packet) {
                packet.release();
            }
        });
        if (refused != null || answers.size() != 1) {
            answers.forEach(ByteBuf::release);
            return null;
        }
        return answers.getFirst();
    }

    /** Runs the whole qualification (primary, then secondary) of {@code client}. */
    void qualify(EmbeddedChannel client) {
        client.writeInbound(answer(client));
        client.writeInbound(answer(client));
    }
}
