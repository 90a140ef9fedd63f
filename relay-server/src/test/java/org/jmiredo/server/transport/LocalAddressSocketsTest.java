package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Real sockets on loopback, where 127.0.0.2 is an address of the host like any other: the relay's wildcard
 * sockets and, beside them, the per-address ones. The client is a connected UDP socket, which takes
 * datagrams from the one address and port it sent to, as a port-restricted cone NAT does.
 */
class LocalAddressSocketsTest {
    static final int SECOND = Ipv4.of(127, 0, 0, 2);
    static final int THIRD = Ipv4.of(127, 0, 0, 3);

    UdpLoops loops;
    int port;
    final Set<Integer> hostAddresses = new CopyOnWriteArraySet<>();
    /** When set, listing the host's addresses fails, as in a namespace whose interfaces are all down. */
    volatile boolean listingFails;
    /** Which local address index echoed, by the text it echoed. */
    final Map<String, Integer> echoedBy = new ConcurrentHashMap<>();

    LocalAddressSockets sockets;

    @BeforeEach
    void startWildcardSockets() throws Exception {
        Privileges.assumeEpoll();
        TransportSettings settings = TransportSettings.defaults().withEventLoops(2);
        loops = UdpLoops.start(settings);
        List<Channel> wildcard =
                loops.bindOnEveryLoop(new InetSocketAddress("0.0.0.0", 0), (channel, loop) -> channel.pipeline()
                        .addLast(new Echo(0)));
        port = ((InetSocketAddress) wildcard.getFirst().localAddress()).getPort();
        hostAddresses.add(SECOND);
        sockets = LocalAddressSockets.start(
                LocalAddressSockets.binder(loops.kind(), loops.eventLoops(), settings, loops.socketBuffers()),
                port,
                this::listHostAddresses,
                (channel, loop, local) -> channel.pipeline().addLast(new Echo(local)),
                Duration.ofHours(1)); // refreshed by hand below
    }

    @AfterEach
    void stop() {
        if (sockets != null) {
            sockets.close();
        }
        if (loops != null) {
            loops.close();
        }
    }

    @Test
    void aPeerIsAnsweredFromTheAddressItSentTo() throws Exception {
        assertThat(sockets.indexes()).isEqualTo(Map.of(SECOND, 1));
        assertThat(exchange("127.0.0.2", "hello"))
                .as("the echo passes the connected socket's filter")
                .isEqualTo("hello");
        assertThat(echoedBy).containsEntry("hello", 1);
    }

    @Test
    void withoutItsOwnSocketTheAnswerComesFromTheRoutesChoiceAndIsFiltered() throws Exception {
        hostAddresses.clear();
        sockets.refresh(); // the address left: its sockets close, the wildcard ones take its datagrams
        assertThat(sockets.indexes()).isEmpty();

        assertThat(exchange("127.0.0.2", "lost", 1_000))
                .as("answered from 127.0.0.1, dropped like a NAT would")
                .isNull();
        assertThat(echoedBy).containsEntry("lost", 0);
    }

    @Test
    void refreshOpensNewAddressesAndClosesGoneOnes() throws Exception {
        hostAddresses.add(THIRD);
        sockets.refresh();
        assertThat(sockets.indexes()).isEqualTo(Map.of(SECOND, 1, THIRD, 2));
        assertThat(exchange("127.0.0.3", "third")).isEqualTo("third");
        assertThat(echoedBy).containsEntry("third", 2);

        hostAddresses.remove(SECOND);
        sockets.refresh();
        assertThat(sockets.indexes()).isEqualTo(Map.of(THIRD, 2));
    }

    @Test
    void aListingThatKeepsFailingIsWarnedOnceAndItsEndTold() {
        Logger log = (Logger) LoggerFactory.getLogger(LocalAddressSockets.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try {
            listingFails = true;
            for (int i = 0; i < 3; i++) {
                sockets.refresh();
            }
            assertThat(sockets.indexes()).as("the sockets stay as they are").isEqualTo(Map.of(SECOND, 1));
            listingFails = false;
            sockets.refresh();
        } finally {
            log.detachAppender(logged);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
    }

    private Set<Integer> listHostAddresses() throws SocketException {
        if (listingFails) {
            throw new SocketException("No network interfaces configured");
        }
        return Set.copyOf(hostAddresses);
    }

    @Test
    void anAddressThatCannotBeBoundIsSkippedAndTheOthersServe() throws Exception {
        hostAddresses.add(Ipv4.of(198, 51, 100, 77)); // not this host's: bind fails with EADDRNOTAVAIL
        hostAddresses.add(THIRD);
        sockets.refresh();
        assertThat(sockets.indexes()).containsOnlyKeys(SECOND, THIRD);
        assertThat(exchange("127.0.0.3", "still")).isEqualTo("still");
    }

    /** Sends {@code text} from 127.0.0.1 to {@code relayAddress}:port on a connected socket; the answer or null. */
    private String exchange(String relayAddress, String text) throws Exception {
        return exchange(relayAddress, text, 10_000); // an answer expected: room for a loaded machine
    }

    /** As above, waiting {@code millis} for the answer (short where none must come). */
    private String exchange(String relayAddress, String text, int millis) throws Exception {
        try (java.net.DatagramSocket client =
                new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            client.connect(new InetSocketAddress(InetAddress.getByName(relayAddress), port));
            client.setSoTimeout(millis);
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            client.send(new java.net.DatagramPacket(bytes, bytes.length));
            java.net.DatagramPacket answer = new java.net.DatagramPacket(new byte[64], 64);
            try {
                client.receive(answer);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII);
        }
    }

    /** Echoes to the sender through the socket the datagram arrived on, noting that socket's local index. */
    private final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
        private final int local;

        Echo(int local) {
            this.local = local;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            echoedBy.put(packet.content().toString(StandardCharsets.US_ASCII), local);
            ctx.writeAndFlush(new DatagramPacket(packet.content().retain(), packet.sender()));
        }
    }
}
