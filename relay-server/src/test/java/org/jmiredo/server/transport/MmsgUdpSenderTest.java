package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.util.ResourceLeakDetector;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.UdpSender;
import org.jmiredo.server.sys.DatagramBatch;
import org.jmiredo.server.sys.Errno;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's own sendmmsg on a real epoll socket on loopback: what leaves, in which order, from which
 * address, and what is released and counted when the kernel refuses a datagram or the socket is full.
 */
class MmsgUdpSenderTest {
    private static final int RECEIVER_TIMEOUT_MS = 5_000;

    private MultiThreadIoEventLoopGroup group;
    private Channel udp;
    private DatagramSocket receiver;
    private final DataPathCounters counters = new DataPathCounters();
    private final List<ByteBuf> sent = new ArrayList<>();

    @BeforeEach
    void epollSocketAndReceiver() throws Exception {
        Privileges.assumeEpoll();
        group = Transport.newGroup(TransportKind.EPOLL, 1);
        udp = new Bootstrap().group(group).channelFactory(TransportKind.EPOLL.datagramChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        receiver.setReceiveBufferSize(1 << 20);
        receiver.setSoTimeout(RECEIVER_TIMEOUT_MS);
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (udp != null) {
            udp.close().awaitUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void burstsLargerThanABatchLeaveInOrderFromTheChannelsSocket() throws Exception {
        UdpSender sender = onLoop(() -> MmsgUdpSender.forChannel(udp, counters));
        assertThat(sender).isInstanceOf(MmsgUdpSender.class);
        int n = 2 * MmsgUdpSender.BATCH + 7;
        onLoop(() -> {
            for (int i = 0; i < n; i++) {
                sender.add(datagram(i), receiverIpv4(), receiver.getLocalPort());
            }
            sender.flush();
            return null;
        });

        assertReceivedInOrder(0, n);
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
    }

    @Test
    void aHeapPayloadGoesThroughNettyAndTheOnesAfterItQueueBehindIt() throws Exception {
        UdpSender sender = onLoop(() -> MmsgUdpSender.forChannel(udp, counters));
        onLoop(() -> {
            for (int i = 0; i < 10; i++) {
                ByteBuf payload = i == 4 ? Unpooled.buffer(4).writeInt(i) : datagram(i);
                sender.add(payload, receiverIpv4(), receiver.getLocalPort());
            }
            sender.flush();
            return null;
        });

        assertReceivedInOrder(0, 10);
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
    }

    @Test
    void theWarmUpsSenderReleasesEverythingAndSendsNothingNotEvenAHeapPayload() throws Exception {
        UdpSender sender = onLoop(() -> MmsgUdpSender.discarding(udp, counters));
        assertThat(sender).isInstanceOf(MmsgUdpSender.class); // the live sender's class: the same type profiles
        int n = MmsgUdpSender.BATCH + 7;
        onLoop(() -> {
            for (int i = 0; i < n; i++) {
                // One heap payload: the live sender hands it to Netty's outbound buffer, this one must not.
                ByteBuf payload = i == 4 ? heap(i) : datagram(i);
                sender.add(payload, receiverIpv4(), receiver.getLocalPort());
            }
            sender.flush();
            return null;
        });
        // A marker sent afterwards by the live sender is the first datagram the receiver sees.
        onLoop(() -> {
            UdpSender live = MmsgUdpSender.forChannel(udp, counters);
            live.add(datagram(-1), receiverIpv4(), receiver.getLocalPort());
            live.flush();
            return null;
        });

        assertReceivedInOrder(-1, 0);
        assertThat(sent).hasSize(n + 1).allMatch(b -> b.refCnt() == 0);
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
    }

    @Test
    void aRefusedDatagramIsCountedAndReleasedAndTheRestLeave() throws Exception {
        int fd = ((EpollDatagramChannel) udp).fd().intValue();
        int[] calls = {0};
        MmsgUdpSender sender = new MmsgUdpSender(udp, counters, (batch, from) ->
                calls[0]++ == 1 ? -90 /* EMSGSIZE */ : batch.send(fd, from, Math.min(batch.size() - from, 3)));
        onLoop(() -> {
            for (int i = 0; i < 10; i++) {
                sender.add(datagram(i), receiverIpv4(), receiver.getLocalPort());
            }
            sender.flush();
            return null;
        });

        // The first call sends 0..2, the second refuses 3, the rest go 3 at a time.
        assertReceivedInOrder(0, 3);
        assertReceivedInOrder(4, 10);
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(1);
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void whenTheSocketIsFullTheRestWaitInNettysBufferAndNothingOvertakesThem() throws Exception {
        int fd = ((EpollDatagramChannel) udp).fd().intValue();
        List<Integer> syscalls = new ArrayList<>();
        MmsgUdpSender sender = new MmsgUdpSender(udp, counters, (batch, from) -> {
            syscalls.add(batch.size() - from);
            return syscalls.size() == 1 ? batch.send(fd, from, 2) : -Errno.EAGAIN;
        });
        onLoop(() -> {
            for (int i = 0; i < 5; i++) {
                sender.add(datagram(i), receiverIpv4(), receiver.getLocalPort());
            }
            sender.flush(); // 0 and 1 by sendmmsg; EAGAIN: 2..4 to Netty, which sends them (the socket is not full)
            for (int i = 5; i < 8; i++) {
                sender.add(datagram(i), receiverIpv4(), receiver.getLocalPort());
            }
            sender.flush();
            return null;
        });

        assertReceivedInOrder(0, 8);
        // After Netty's buffer emptied, the next flush went back to sendmmsg (the fake's EAGAIN again).
        assertThat(syscalls).containsExactly(5, 3, 3);
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void aClosedSocketDropsEveryDatagramWithACount() throws Exception {
        UdpSender sender = onLoop(() -> MmsgUdpSender.forChannel(udp, counters));
        udp.close().sync();
        onLoop(() -> {
            for (int i = 0; i < 3; i++) {
                sender.add(datagram(i), receiverIpv4(), receiver.getLocalPort());
            }
            sender.flush();
            return null;
        });

        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(3); // none leaves, each counted
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void sendingAllocatesNothingOnceWarm() throws Exception {
        UdpSender sender = onLoop(() -> MmsgUdpSender.forChannel(udp, counters));
        int n = 40_000;
        long perRound = 0;
        // The build's paranoid leak detection records every release; the relay runs without it (Main).
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            perRound = allocatedSending(sender, n);
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
        // Nothing per datagram. Some compilations leave one small object per sendmmsg (about 40 bytes per
        // flush of 64 here); which ones depends on the JIT's inlining, so the bound is a byte per datagram.
        assertThat(perRound).as("bytes allocated for %d datagrams", n).isLessThan(n);
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
    }

    private long allocatedSending(UdpSender sender, int n) throws Exception {
        long perRound = 0;
        for (int round = 0; round < 8; round++) { // the last round counts, the others warm the JIT up
            perRound = onLoop(() -> {
                ByteBuf[] payloads = new ByteBuf[n];
                for (int i = 0; i < n; i++) {
                    // Held once more, so that the sender's release only counts down: what the pool does
                    // when a buffer comes back is not the sender's to answer for.
                    payloads[i] = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeZero(64).retain();
                }
                com.sun.management.ThreadMXBean threads =
                        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                int port = receiver.getLocalPort();
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < n; i++) {
                    sender.add(payloads[i], receiverIpv4(), port);
                    if (i % 64 == 63) {
                        sender.flush();
                    }
                }
                sender.flush();
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                for (ByteBuf payload : payloads) {
                    payload.release();
                }
                return allocated;
            });
        }
        return perRound;
    }

    @Test
    void theBatchWritesSocketAddressesInNetworkOrder() {
        DatagramBatch batch = new DatagramBatch(2);
        batch.add(0, 0, 0xC0000201, 3544);
        batch.add(0, 0, 0xCB007101, 65535);
        assertThat(batch.ipv4(0)).isEqualTo(0xC0000201);
        assertThat(batch.port(0)).isEqualTo(3544);
        assertThat(batch.port(1)).isEqualTo(65535);
        assertThat(batch.isFull()).isTrue();
    }

    private ByteBuf datagram(int sequence) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeInt(sequence).writeZero(60);
        sent.add(b);
        return b;
    }

    private ByteBuf heap(int sequence) {
        ByteBuf b = Unpooled.buffer(4).writeInt(sequence);
        sent.add(b);
        return b;
    }

    private int receiverIpv4() {
        return 0x7F000001; // the receiver is bound to loopback
    }

    private void assertReceivedInOrder(int from, int to) throws Exception {
        int port = ((InetSocketAddress) udp.localAddress()).getPort();
        byte[] buf = new byte[2048];
        for (int i = from; i < to; i++) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            receiver.receive(p);
            assertThat(ByteBuffer.wrap(buf, 0, p.getLength()).getInt()).as("datagram %d", i).isEqualTo(i);
            assertThat(p.getPort()).as("sent from the channel's socket").isEqualTo(port);
        }
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return udp.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }
}
