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
import org.jmiredo.engine.server.Packets;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.engine.server.ServerOutput;
import org.jmiredo.engine.server.ServerRules;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoHeaders;

/**
 * Our server's rules behind a NAT at 198.51.100.20:40000, answering the RS a client channel wrote: the
 * lab's server for the client's channel tests.
 */
final class ServerSide {
    static final QualificationSettings SETTINGS = new QualificationSettings(Packets.ipv4(Packets.PRIMARY),
            Packets.ipv4(Packets.SECONDARY), Teredo.PREFIX);

    private final ServerRules rules;

    ServerSide(ByteBufAllocator alloc) {
        rules = new ServerRules(Packets.labSettings(), 0, alloc, () -> 1_000, new DataPathCounters());
    }

    /** Takes the RS the client wrote last and returns the server's RA as the client receives it. */
    DatagramPacket answer(EmbeddedChannel client) {
        DatagramPacket rs = client.readOutbound();
        assertThat(rs).as("an RS").isNotNull();
        TeredoHeaders headers = new TeredoHeaders();
        assertThat(headers.parse(rs.content())).isNull();
        assertThat(rs.recipient().getPort()).isEqualTo(Teredo.SERVICE_PORT);
        ServerEndpoint on = SocketAddresses.ipv4(rs.recipient()) == SETTINGS.primaryServer()
                ? ServerEndpoint.PRIMARY : ServerEndpoint.SECONDARY;
        List<ByteBuf> answers = new ArrayList<>();
        DropReason refused = rules.process(rs.content(), headers, on, Packets.ipv4(Packets.NAT), Packets.NAT_PORT,
                new ServerOutput() {
                    @Override
                    public void toUdp(ByteBuf answer, ServerEndpoint from, int ipv4, int port) {
                        answers.add(answer);
                    }

                    @Override
                    public void toNative(ByteBuf packet) {
                        packet.release();
                    }
                });
        rs.release();
        assertThat(refused).isNull();
        assertThat(answers).hasSize(1);
        return new DatagramPacket(answers.getFirst(), new InetSocketAddress(Packets.ip("192.168.77.2"), 40000),
                new InetSocketAddress(Packets.ip(on == ServerEndpoint.PRIMARY ? Packets.PRIMARY : Packets.SECONDARY),
                        Teredo.SERVICE_PORT));
    }

    /** Runs the whole qualification (primary, then secondary) of {@code client}. */
    void qualify(EmbeddedChannel client) {
        client.writeInbound(answer(client));
        client.writeInbound(answer(client));
    }
}
