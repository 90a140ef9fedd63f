package org.jmiredo.engine.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.engine.server.DestinationBudget;
import org.jmiredo.engine.server.Packets;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.engine.server.ServerOutput;
import org.jmiredo.engine.server.ServerRules;
import org.jmiredo.engine.server.ServerSettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.RouterSolicitation;
import org.jmiredo.proto.TeredoHeaders;

/**
 * Our own server's rules ({@link ServerRules}) behind a NAT model: the client's solicitations are encoded as
 * the adapter sends them, pass the NAT (which maps them to {@link #mappedIpv4}:{@link #mappedPort}, or
 * per destination for a symmetric NAT), and the server's answers are kept for the test to deliver.
 */
final class ServerStub implements QualificationOutput, AutoCloseable {
    record Solicitation(int server, long nonce, long linkLocalLo) {}

    record Answer(ByteBuf datagram, int fromIpv4, int fromPort) {}

    final int primary = Packets.ipv4(Packets.PRIMARY);
    final int secondary = Packets.ipv4(Packets.SECONDARY);
    final List<Solicitation> solicitations = new ArrayList<>();
    final List<Answer> answers = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    int mappedIpv4 = Packets.ipv4(Packets.NAT);
    int mappedPort = Packets.NAT_PORT;
    boolean symmetric;
    boolean silentPrimary;
    boolean silentSecondary;
    private ServerRules rules = rules(Packets.labSettings());

    private static ServerRules rules(ServerSettings settings) {
        return new ServerRules(
                settings,
                0,
                DestinationBudget.withSecretKey(0, 2),
                Unpooled.buffer(0).alloc(),
                () -> 1_000,
                new DataPathCounters());
    }

    /** From now on the RAs carry this MTU option (0: none). */
    void advertise(int mtu) {
        ServerSettings lab = Packets.labSettings();
        rules = rules(new ServerSettings(
                lab.primaryIpv4(),
                lab.secondaryIpv4(),
                lab.prefix(),
                mtu,
                lab.maxIcmpPayload(),
                lab.maxTrailerLength(),
                lab.raPerSecond(),
                lab.nativeForwarding()));
    }

    QualificationSettings settings() {
        return new QualificationSettings(primary, secondary, org.jmiredo.proto.Teredo.PREFIX);
    }

    @Override
    public void solicit(int serverIpv4, long nonce, long linkLocalLo) {
        solicitations.add(new Solicitation(serverIpv4, nonce, linkLocalLo));
        if (serverIpv4 == primary ? silentPrimary : silentSecondary) {
            return;
        }
        ByteBuf rs = Unpooled.buffer();
        RouterSolicitation.appendAuthenticated(rs, nonce, linkLocalLo);
        TeredoHeaders headers = new TeredoHeaders();
        if (headers.parse(rs) != null) {
            throw new AssertionError("our RS does not parse");
        }
        int port = symmetric && serverIpv4 == secondary ? mappedPort + 1 : mappedPort;
        ServerEndpoint endpoint = serverIpv4 == primary ? ServerEndpoint.PRIMARY : ServerEndpoint.SECONDARY;
        DropReason refused = rules.process(rs, headers, endpoint, mappedIpv4, port, new ServerOutput() {
            @Override
            public void toUdp(ByteBuf payload, ServerEndpoint from, int ipv4, int toPort, Counter kind) {
                answers.add(new Answer(payload, from == ServerEndpoint.PRIMARY ? primary : secondary, 3544));
            }

            @Override
            public void toNative(ByteBuf packet) {
                packet.release();
                throw new AssertionError("an RS is never forwarded");
            }
        });
        rs.release();
        if (refused != null) {
            throw new AssertionError("our server refused our RS: " + refused);
        }
    }

    @Override
    public void qualified(long addressHi, long addressLo, int mtu) {
        events.add("qualified " + org.jmiredo.proto.TeredoAddress.toString(addressHi, addressLo) + " mtu " + mtu);
    }

    @Override
    public void unqualified(QualificationFailure why) {
        events.add("unqualified " + why);
    }

    /** Delivers the oldest answer to {@code client}; true when it took it. */
    boolean deliver(Qualification client, long now) {
        Answer a = answers.removeFirst();
        try {
            TeredoHeaders headers = new TeredoHeaders();
            if (headers.parse(a.datagram()) != null) {
                throw new AssertionError("the server's RA does not parse");
            }
            return client.advertisement(a.datagram(), headers, a.fromIpv4(), a.fromPort(), now);
        } finally {
            a.datagram().release();
        }
    }

    @Override
    public void close() {
        answers.forEach(a -> a.datagram().release());
    }
}
