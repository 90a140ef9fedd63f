package org.jmiredo.server.tun.bsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.server.tun.linux.EchoPackets.echoRequest;
import static org.jmiredo.server.tun.linux.EchoPackets.v6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmiredo.server.tun.linux.RecordingReceiver;
import org.jmiredo.server.tun.linux.RecordingReceiver.Seen;
import org.jmiredo.server.tun.linux.TunQueueOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The BSD tunnel's read, framing and write on real fds: a datagram socketpair stands in for the tunnel (one write
 * one read, as a tun fd), its relay end registered on an epoll loop as the daemon's is on kqueue. Every buffer
 * comes from an allocator whose live direct memory must be zero at the end.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AfFramedQueueTest {
    private static final int HEADROOM = 8;
    private static final byte[] PING = echoRequest(v6("2001:db8::1"), v6("2001:0:c633:6401::1"), 7, 1, new byte[56]);

    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true);
    private MultiThreadIoEventLoopGroup group;
    private IoEventLoop loop;
    private SocketPairTunnel pair;
    private AfFramedQueue queue;
    private RecordingReceiver receiver;

    @BeforeEach
    void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
        pair = new SocketPairTunnel();
        receiver = new RecordingReceiver(loop);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (queue != null) {
            queue.closeAsync().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        pair.close();
        assertThat(allocator.metric().usedDirectMemory())
                .as("direct memory still held")
                .isZero();
    }

    private void start(BsdFlavor flavor, int budget) {
        queue = pair.tunnel(flavor, new TunQueueOptions(budget, HEADROOM, 1280));
        assertThat(queue.register(loop, receiver, allocator).awaitUninterruptibly(5, TimeUnit.SECONDS))
                .isTrue();
        assertThat(queue.isReading()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(BsdFlavor.class)
    void anIpv6FrameIsHandedOnInPlaceWithoutItsHeader(BsdFlavor flavor) throws Exception {
        start(flavor, 64);

        pair.send(flavor.afInet6(), PING);

        Seen seen = receiver.next(p -> true, 10_000);
        assertThat(seen).isNotNull();
        assertThat(seen.bytes()).isEqualTo(PING);
        assertThat(seen.readerIndex())
                .as("the packet where a Linux read puts it")
                .isEqualTo(HEADROOM);
        assertThat(seen.onExpectedLoop()).isTrue();
        assertThat(receiver.notIpv6()).isZero();
    }

    /** IPv4 (AF_INET), another system's AF_INET6, a frame shorter than its header: each dropped and counted. */
    @Test
    void whatIsNotIpv6IsDroppedAndCounted() throws Exception {
        start(BsdFlavor.FREEBSD, 64);

        pair.send(BsdFlavor.AF_INET, PING);
        pair.send(BsdFlavor.NETBSD.afInet6(), PING);
        pair.sendRaw(new byte[] {0, 0});
        pair.send(BsdFlavor.FREEBSD.afInet6(), PING);

        // The good frame came last: once it is here, the three before it were read and counted on the loop.
        assertThat(receiver.next(p -> true, 10_000)).isNotNull();
        assertThat(receiver.notIpv6()).isEqualTo(3);
        assertThat(receiver.seen()).isEmpty();
    }

    /** The device's MTU raised above tun.mtu: a 2,000-byte packet runs past its 1,336-byte slot and is read whole. */
    @Test
    void aPacketLongerThanItsSlotIsReadWhole() throws Exception {
        start(BsdFlavor.NETBSD, 64);
        byte[] large = echoRequest(v6("2001:db8::1"), v6("2001:db8::2"), 1, 1, new byte[2000 - 48]);

        pair.send(BsdFlavor.NETBSD.afInet6(), large);
        pair.send(BsdFlavor.NETBSD.afInet6(), PING);

        assertThat(receiver.next(p -> true, 10_000).bytes()).hasSize(2000).isEqualTo(large);
        assertThat(receiver.next(p -> true, 10_000).bytes()).isEqualTo(PING);
    }

    /** Ten frames waiting, a budget of 4: three bursts, each ended with readComplete, nothing lost. */
    @Test
    void aBurstStopsAtTheBudgetAndGoesOnAtTheNextTurn() throws Exception {
        for (int i = 0; i < 10; i++) {
            pair.send(BsdFlavor.DARWIN.afInet6(), echoRequest(v6("2001:db8::1"), v6("2001:db8::2"), 1, i, new byte[8]));
        }
        start(BsdFlavor.DARWIN, 4);

        List<Seen> all = RecordingReceiver.collect(receiver.seen(), p -> true, 10, 10_000);
        assertThat(all).hasSize(10);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (receiver.bursts().stream().mapToInt(Integer::intValue).sum() < 10 && System.nanoTime() < deadline) {
            Thread.sleep(5); // the last readComplete follows the last packet on the loop
        }
        assertThat(receiver.bursts()).containsExactly(4, 4, 2);
    }

    @ParameterizedTest
    @EnumSource(BsdFlavor.class)
    void aWriteCarriesTheSystemsHeaderInFront(BsdFlavor flavor) throws Exception {
        start(flavor, 64);
        ByteBuf direct = allocator
                .directBuffer(PING.length + 20)
                .writeZero(20)
                .writeBytes(PING)
                .skipBytes(20);
        ByteBuf heap = Unpooled.wrappedBuffer(PING);

        boolean[] written = new boolean[2];
        loop.submit(() -> {
                    written[0] = queue.write(direct);
                    written[1] = queue.write(heap);
                })
                .get(5, TimeUnit.SECONDS);
        direct.release();

        assertThat(written).containsExactly(true, true);
        byte[] expected = ByteBuffer.allocate(4 + PING.length)
                .putInt(flavor.afInet6())
                .put(PING)
                .array();
        assertThat(pair.receive(10_000)).isEqualTo(expected);
        assertThat(pair.receive(10_000)).as("the heap packet, through the copy").isEqualTo(expected);
    }

    @Test
    void onlyIpv6IsWritten() throws Exception {
        start(BsdFlavor.OPENBSD, 64);
        byte[] ipv4 = Arrays.copyOf(PING, 40);
        ipv4[0] = 0x45;

        boolean[] written = new boolean[2];
        loop.submit(() -> {
                    written[0] = queue.write(Unpooled.wrappedBuffer(ipv4));
                    written[1] = queue.write(Unpooled.EMPTY_BUFFER);
                })
                .get(5, TimeUnit.SECONDS);

        assertThat(written).containsExactly(false, false);
        assertThat(pair.receive(200)).as("nothing reached the tunnel").isNull();
    }

    @Test
    void stoppingReadingKeepsWritesAndClosingReleasesTheBuffers() throws Exception {
        start(BsdFlavor.FREEBSD, 64);

        queue.deregister().awaitUninterruptibly(5, TimeUnit.SECONDS);
        pair.send(BsdFlavor.FREEBSD.afInet6(), PING);

        assertThat(queue.isReading()).isFalse();
        boolean written =
                loop.submit(() -> queue.write(Unpooled.wrappedBuffer(PING))).get(5, TimeUnit.SECONDS);
        assertThat(written).isTrue();
        assertThat(receiver.next(p -> true, 200)).as("no read after deregister").isNull();
        queue.closeAsync().awaitUninterruptibly(5, TimeUnit.SECONDS);
        assertThat(queue.readFailed()).as("closed, not failed").isFalse();
    }
}
