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
import io.netty.channel.unix.IntegerUnixChannelOption;
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
import org.jmiredo.server.sys.Errno;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The relay's own sendmmsg on a real epoll socket on loopback: what leaves, in which order, from which
 * address, and what is released and counted when the kernel refuses a datagram or the socket is full.
 */
class MmsgUdpSenderTest {
    private static final int RECEIVER_TIMEOUT_MS = 10_000; // only a failing test waits it out

    private static final UdpGso OFF = new UdpGso(UdpGsoMode.OFF);

    private MultiThreadIoEventLoopGroup group;
    private Channel udp;
    private DatagramSocket receiver;
    private final DataPathCounters counters = new DataPathCounters();
    private final List<ByteBuf> sent = new ArrayList<>();

    @BeforeEach
    void epollSocketAndReceiver() throws Exception {
        Privileges.assumeEpoll();
        group = Transport.newGroup(TransportKind.EPOLL, 1);
        udp = new Bootstrap()
                .group(group)
                .channelFactory(TransportKind.EPOLL.datagramChannelFactory())
                .handler(new ChannelInboundHandlerAdapter())
                .bind(InetAddress.getLoopbackAddress(), 0)
                .sync()
                .channel();
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
        UdpSender sender = onLoop(() -> MmsgUdpSender.factory(OFF).create(udp, counters));
        assertThat(sender).isInstanceOf(MmsgUdpSender.class);
        int n = 2 * MmsgUdpSender.BATCH + 7;
        onLoop(() -> {
            for (int i = 0; i < n; i++) {
                sender.add(datagram(i), receiverIpv4(), receiver.getLocalPort(), null);
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
        UdpSender sender = onLoop(() -> MmsgUdpSender.factory(OFF).create(udp, counters));
        onLoop(() -> {
            for (int i = 0; i < 10; i++) {
                ByteBuf payload = i == 4 ? Unpooled.buffer(4).writeInt(i) : datagram(i);
                sender.add(payload, receiverIpv4(), receiver.getLocalPort(), null);
            }
            sender.flush();
            return null;
        });

        assertReceivedInOrder(0, 10);
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
    }

    @Test
    void theWarmUpsSenderReleasesEverythingAndSendsNothingNotEvenAHeapPayload() throws Exception {
        UdpSender sender = onLoop(() -> MmsgUdpSender.discarding(udp, counters, new UdpGso(UdpGsoMode.AUTO)));
        assertThat(sender).isInstanceOf(MmsgUdpSender.class); // the live sender's class: the same type profiles
        int n = MmsgUdpSender.BATCH + 7;
        onLoop(() -> {
            for (int i = 0; i < n; i++) {
                // One heap payload: the live sender hands it to Netty's outbound buffer, this one must not.
                ByteBuf payload = i == 4 ? heap(i) : datagram(i);
                sender.add(payload, receiverIpv4(), receiver.getLocalPort(), null);
            }
            sender.flush();
            return null;
        });
        // A marker sent afterwards by the live sender is the first datagram the receiver sees.
        onLoop(() -> {
            UdpSender live = MmsgUdpSender.factory(OFF).create(udp, counters);
            live.add(datagram(-1), receiverIpv4(), receiver.getLocalPort(), null);
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
        MmsgUdpSender sender = new MmsgUdpSender(
                udp,
                counters,
                (batch, from) ->
                        calls[0]++ == 1 ? -Errno.EPERM : batch.send(fd, from, Math.min(batch.messages() - from, 3)),
                OFF);
        onLoop(() -> {
            for (int i = 0; i < 10; i++) {
                sender.add(datagram(i), receiverIpv4(), receiver.getLocalPort(), null);
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
        MmsgUdpSender sender = new MmsgUdpSender(
                udp,
                counters,
                (batch, from) -> {
                    syscalls.add(batch.messages() - from);
                    return syscalls.size() == 1 ? batch.send(fd, from, 2) : -Errno.EAGAIN;
                },
                OFF);
        onLoop(() -> {
            for (int i = 0; i < 5; i++) {
                sender.add(datagram(i), receiverIpv4(), receiver.getLocalPort(), null);
            }
            sender.flush(); // 0 and 1 by sendmmsg; EAGAIN: 2..4 to Netty, which sends them (the socket is not full)
            for (int i = 5; i < 8; i++) {
                sender.add(datagram(i), receiverIpv4(), receiver.getLocalPort(), null);
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
        UdpSender sender = onLoop(() -> MmsgUdpSender.factory(OFF).create(udp, counters));
        udp.close().sync();
        onLoop(() -> {
            for (int i = 0; i < 3; i++) {
                sender.add(datagram(i), receiverIpv4(), receiver.getLocalPort(), null);
            }
            sender.flush();
            return null;
        });

        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(3); // none leaves, each counted
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
    }

    @ParameterizedTest
    @EnumSource(UdpGsoMode.class)
    void sendingAllocatesNothingOnceWarm(UdpGsoMode mode) throws Exception {
        UdpGso gso = new UdpGso(mode);
        UdpSender sender = onLoop(() -> MmsgUdpSender.factory(gso).create(udp, counters));
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
        assertThat(gso.inUse()).isEqualTo(mode == UdpGsoMode.AUTO);
    }

    /**
     * Bytes the loop allocated for one round of {@code n} datagrams, once warm: the first rounds warm the JIT up,
     * and the best of the last five counts (the JIT compiles on threads of its own, which a loaded host can hold
     * back for a round or two; an object per datagram would be in every round).
     */
    private long allocatedSending(UdpSender sender, int n) throws Exception {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 8; round++) {
            long perRound = onLoop(() -> {
                ByteBuf[] payloads = new ByteBuf[n];
                for (int i = 0; i < n; i++) {
                    // Held once more, so that the sender's release only counts down: what the pool does
                    // when a buffer comes back is not the sender's to answer for.
                    payloads[i] = PooledByteBufAllocator.DEFAULT
                            .directBuffer(64)
                            .writeZero(64)
                            .retain();
                }
                com.sun.management.ThreadMXBean threads =
                        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                int port = receiver.getLocalPort();
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < n; i++) {
                    sender.add(payloads[i], receiverIpv4(), port, null);
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
            if (round >= 3) {
                best = Math.min(best, perRound);
            }
        }
        return best;
    }

    @Test
    void runsLeaveAsGsoSendsAndAReceiverWithoutGroGetsEveryDatagramAsSent() throws Exception {
        UdpGso gso = new UdpGso(UdpGsoMode.AUTO);
        int fd = ((EpollDatagramChannel) udp).fd().intValue();
        List<Integer> segmentSizes = new ArrayList<>();
        MmsgUdpSender sender = onLoop(() -> new MmsgUdpSender(udp, counters, recording(fd, segmentSizes), gso));
        // 70 equal ones (a run of 64, then one of 6), one shorter, then a run of 3 of another size.
        int[] lengths = new int[74];
        java.util.Arrays.fill(lengths, 0, 70, 300);
        lengths[70] = 120;
        java.util.Arrays.fill(lengths, 71, 74, 1_000);
        onLoop(() -> {
            for (int i = 0; i < lengths.length; i++) {
                sender.add(datagram(i, lengths[i]), receiverIpv4(), receiver.getLocalPort(), null);
            }
            sender.flush();
            return null;
        });

        assertReceivedExactly(0, lengths);
        assertThat(segmentSizes).as("one sendmmsg of three GSO messages").containsExactly(300, 300, 1_000);
        assertThat(gso.inUse()).isTrue();
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void aFlushWithoutRunsAfterOneWithRunsSendsEachDatagramFromItsOwnBytes() throws Exception {
        // The batch rewrites only the message headers a run changed, and puts them back when cleared: a
        // header left pointing at a run's iovecs, or with its UDP_SEGMENT, would send other bytes here.
        UdpGso gso = new UdpGso(UdpGsoMode.AUTO);
        int fd = ((EpollDatagramChannel) udp).fd().intValue();
        List<Integer> segmentSizes = new ArrayList<>();
        MmsgUdpSender sender = onLoop(() -> new MmsgUdpSender(udp, counters, recording(fd, segmentSizes), gso));
        int[] lengths = {200, 200, 200, 200, 200, 300, 300, 100, 110, 120, 130, 140, 150, 160};
        onLoop(() -> {
            for (int i = 0; i < lengths.length; i++) {
                sender.add(datagram(i, lengths[i]), receiverIpv4(), receiver.getLocalPort(), null);
                if (i == 6) {
                    sender.flush(); // two runs; then seven datagrams, each longer than the one before it
                }
            }
            sender.flush();
            return null;
        });

        assertReceivedExactly(0, lengths);
        assertThat(segmentSizes).containsExactly(200, 300, 0, 0, 0, 0, 0, 0, 0);
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void aRunTheKernelRefusesIsSentDatagramByDatagramAndItsDestinationGoesUnbatched() throws Exception {
        // SO_NO_CHECK (asm-generic/socket.h): UDP without checksums, which udp_send_skb refuses to segment
        // (EINVAL) and sends plainly: a real refusal by the kernel.
        Channel noChecksum = new Bootstrap()
                .group(group)
                .channelFactory(TransportKind.EPOLL.datagramChannelFactory())
                .option(new IntegerUnixChannelOption("SO_NO_CHECK", 1, 11), 1)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(InetAddress.getLoopbackAddress(), 0)
                .sync()
                .channel();
        try {
            UdpGso gso = new UdpGso(UdpGsoMode.AUTO);
            int fd = ((EpollDatagramChannel) noChecksum).fd().intValue();
            List<Integer> segmentSizes = new ArrayList<>();
            MmsgUdpSender sender =
                    onLoop(() -> new MmsgUdpSender(noChecksum, counters, recording(fd, segmentSizes), gso));
            int[] lengths = new int[10];
            java.util.Arrays.fill(lengths, 200);
            onLoop(() -> {
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < 5; i++) {
                        sender.add(datagram(5 * round + i, 200), receiverIpv4(), receiver.getLocalPort(), null);
                    }
                    sender.flush();
                }
                return null;
            });

            assertReceivedExactly(0, lengths, ((InetSocketAddress) noChecksum.localAddress()).getPort());
            assertThat(gso.refusedTowards(receiverIpv4())).isTrue();
            assertThat(gso.inUse()).as("for the other destinations").isTrue();
            // The refused run, its five datagrams one by one, and the next flush's without GSO.
            assertThat(segmentSizes).containsExactly(200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
            assertThat(sent).allMatch(b -> b.refCnt() == 0);
        } finally {
            noChecksum.close().sync();
        }
    }

    /**
     * A relay bound to 0.0.0.0 whose route to one destination takes a device with a smaller MTU than a segment:
     * the kernel refuses runs to it (EMSGSIZE; EINVAL before 2024) and takes its datagrams alone. Only that
     * destination goes unbatched from then on; runs to the others keep GSO. Before, GSO turned off for all.
     */
    @Test
    void aDestinationWhoseRunsAreRefusedGoesUnbatchedAndTheOthersKeepGso() throws Exception {
        UdpGso gso = new UdpGso(UdpGsoMode.AUTO);
        int fd = ((EpollDatagramChannel) udp).fd().intValue();
        int narrow = 0x7F000002; // 127.0.0.2, as if its route took a device with a small MTU
        List<Integer> segmentSizes = new ArrayList<>();
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
            other.setSoTimeout(RECEIVER_TIMEOUT_MS);
            MmsgUdpSender sender = onLoop(() -> new MmsgUdpSender(
                    udp,
                    counters,
                    (batch, from) -> {
                        if (batch.segmentSize(from) != 0 && batch.ipv4(from) == narrow) {
                            return -Errno.EMSGSIZE;
                        }
                        segmentSizes.add(batch.segmentSize(from));
                        return batch.send(fd, from, 1);
                    },
                    gso));
            onLoop(() -> {
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < 5; i++) {
                        sender.add(datagram(10 * round + i, 200), receiverIpv4(), receiver.getLocalPort(), null);
                    }
                    for (int i = 5; i < 10; i++) {
                        sender.add(datagram(10 * round + i, 200), narrow, other.getLocalPort(), null);
                    }
                    sender.flush();
                }
                return null;
            });

            int[] five = {200, 200, 200, 200, 200};
            assertReceivedExactly(0, five);
            assertReceivedExactly(10, five);
            byte[] buf = new byte[2048];
            for (int seq : new int[] {5, 6, 7, 8, 9, 15, 16, 17, 18, 19}) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                other.receive(p);
                assertThat(ByteBuffer.wrap(buf, 0, p.getLength()).getInt()).isEqualTo(seq);
            }
        }
        // Round 1: the run to 127.0.0.1, the refused run's five alone. Round 2: 127.0.0.2's five alone at once
        // (no refused run first), and the run to 127.0.0.1 as before.
        assertThat(segmentSizes).containsExactly(200, 0, 0, 0, 0, 0, 200, 0, 0, 0, 0, 0);
        assertThat(gso.inUse()).isTrue();
        assertThat(gso.refusedTowards(narrow)).isTrue();
        assertThat(gso.refusedTowards(receiverIpv4())).isFalse();
        assertThat(gso.refusedDestinations()).isEqualTo(1);
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
    }

    /** Refused towards more destinations than it remembers, the cause is the host's path, not a route: off for all. */
    @Test
    void runsRefusedTowardsMoreThanItRemembersTurnGsoOffEverywhere() throws Exception {
        UdpGso gso = new UdpGso(UdpGsoMode.AUTO);
        List<Integer> segmentSizes = new ArrayList<>();
        MmsgUdpSender sender = recording(gso, Errno.EINVAL, new boolean[] {true}, segmentSizes);
        int destinations = refuseRunsTowardsMoreThanItRemembers(sender, gso);
        assertThat(gso.refusedDestinations()).isEqualTo(UdpGso.MAX_REFUSED_DESTINATIONS);
        assertThat(segmentSizes)
                .as("every datagram went, alone")
                .hasSize(2 * destinations)
                .containsOnly(0);
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
    }

    /**
     * A refusal does not last: routes are repaired and MTUs raised. Runs to a refused destination leave unbatched
     * for the retry period (no GSO tried meanwhile), then GSO is tried again, and kept once the kernel takes it.
     * Before, a refused destination went unbatched until restart.
     */
    @Test
    void aRefusedDestinationIsTriedWithGsoAgainOnceItsRefusalIsOver() throws Exception {
        long[] nanos = {0};
        UdpGso gso = new UdpGso(UdpGsoMode.AUTO, () -> nanos[0], 600);
        int narrow = 0xC633_6414; // 198.51.100.20 (nothing leaves: the syscall only records)
        boolean[] refusing = {true};
        List<Integer> segmentSizes = new ArrayList<>();
        MmsgUdpSender sender = recording(gso, Errno.EMSGSIZE, refusing, segmentSizes);
        Callable<List<Integer>> runOfThree = () -> {
            segmentSizes.clear();
            for (int i = 0; i < 3; i++) {
                sender.add(datagram(i, 200), narrow, 3544, null);
            }
            sender.flush();
            return List.copyOf(segmentSizes);
        };
        assertThat(onLoop(runOfThree)).as("refused, then alone").containsExactly(0, 0, 0);
        assertThat(gso.refusedDestinations()).isEqualTo(1);
        refusing[0] = false; // the route is repaired
        nanos[0] = TimeUnit.SECONDS.toNanos(599);
        assertThat(onLoop(runOfThree))
                .as("within the period: alone, GSO not tried")
                .containsExactly(0, 0, 0);
        assertThat(gso.refusedTowards(narrow)).isTrue();
        nanos[0] = TimeUnit.SECONDS.toNanos(600);
        assertThat(onLoop(runOfThree)).as("after it: one GSO message").containsExactly(200);
        assertThat(gso.refusedTowards(narrow)).isFalse();
        assertThat(gso.refusedDestinations()).isZero();
        assertThat(gso.inUse()).isTrue();
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
    }

    /**
     * GSO turned off everywhere by refusals towards more destinations than the table holds comes back after the
     * period (before, it stayed off until restart), with the table's slots free again for new refusals.
     */
    @Test
    void gsoTurnedOffEverywhereByRefusalsComesBackAfterThePeriod() throws Exception {
        long[] nanos = {0};
        UdpGso gso = new UdpGso(UdpGsoMode.AUTO, () -> nanos[0], 600);
        boolean[] refusing = {true};
        List<Integer> segmentSizes = new ArrayList<>();
        MmsgUdpSender sender = recording(gso, Errno.EINVAL, refusing, segmentSizes);
        refuseRunsTowardsMoreThanItRemembers(sender, gso);
        assertThat(gso.inUse()).isFalse();
        refusing[0] = false;
        nanos[0] = TimeUnit.SECONDS.toNanos(599);
        assertThat(gso.inUse()).as("within the period").isFalse();
        nanos[0] = TimeUnit.SECONDS.toNanos(600);
        segmentSizes.clear();
        onLoop(() -> {
            sender.flush(); // the batch after the period groups runs again
            for (int d = 0; d < 2; d++) {
                sender.add(datagram(2 * d, 100), 0xCB00_7100 + d, 3544, null); // 203.0.113.d, never refused
                sender.add(datagram(2 * d + 1, 100), 0xCB00_7100 + d, 3544, null);
            }
            sender.add(datagram(9, 100), 0xC633_6400, 3544, null); // a run to a destination refused before
            sender.add(datagram(10, 100), 0xC633_6400, 3544, null);
            sender.flush();
            return null;
        });
        assertThat(gso.inUse()).as("after it").isTrue();
        assertThat(segmentSizes).as("three runs, each one GSO message").containsExactly(100, 100, 100);
        assertThat(gso.refusedDestinations()).isZero();
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
    }

    /** Runs of two to one more destination than {@link UdpGso} remembers, each refused; returns how many. */
    private int refuseRunsTowardsMoreThanItRemembers(MmsgUdpSender sender, UdpGso gso) throws Exception {
        int destinations = UdpGso.MAX_REFUSED_DESTINATIONS + 1;
        onLoop(() -> {
            for (int d = 0; d < destinations; d++) {
                sender.add(datagram(2 * d, 100), 0xC633_6400 + d, 3544, null); // 198.51.100.d
                sender.add(datagram(2 * d + 1, 100), 0xC633_6400 + d, 3544, null);
                sender.flush();
                assertThat(gso.inUse()).as("after %d destinations", d + 1).isEqualTo(d + 1 < destinations);
            }
            return null;
        });
        return destinations;
    }

    /**
     * A sender whose system call takes each message whole and sends nothing (the destinations are documentation
     * addresses), recording its segment size, but refuses GSO messages with {@code errno} while {@code refusing[0]}.
     */
    private MmsgUdpSender recording(UdpGso gso, int errno, boolean[] refusing, List<Integer> segmentSizes)
            throws Exception {
        return onLoop(() -> new MmsgUdpSender(
                udp,
                counters,
                (batch, from) -> {
                    if (batch.segmentSize(from) != 0 && refusing[0]) {
                        return -errno;
                    }
                    segmentSizes.add(batch.segmentSize(from));
                    return 1;
                },
                gso));
    }

    @Test
    void aRunRefusedAloneTooIsDroppedAndGsoStaysOn() throws Exception {
        UdpGso gso = new UdpGso(UdpGsoMode.AUTO);
        int fd = ((EpollDatagramChannel) udp).fd().intValue();
        int refusedPort = 9; // a destination the kernel refuses, grouped or not (as port 0 is refused)
        MmsgUdpSender sender = onLoop(() -> new MmsgUdpSender(
                udp,
                counters,
                (batch, from) -> batch.port(from) == refusedPort ? -Errno.EINVAL : batch.send(fd, from, 1),
                gso));
        onLoop(() -> {
            for (int i = 0; i < 3; i++) {
                sender.add(datagram(100 + i, 64), receiverIpv4(), refusedPort, null);
            }
            for (int i = 0; i < 3; i++) {
                sender.add(datagram(i, 64), receiverIpv4(), receiver.getLocalPort(), null);
            }
            sender.flush();
            return null;
        });

        assertReceivedExactly(0, new int[] {64, 64, 64});
        assertThat(gso.inUse())
                .as("the datagrams were refused alone too: not GSO's fault")
                .isTrue();
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(3);
        assertThat(sent).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void autoProbesEachSocketAndOffSendsEveryDatagramAlone() throws Exception {
        UdpGso auto = new UdpGso(UdpGsoMode.AUTO);
        onLoop(() -> MmsgUdpSender.factory(auto).create(udp, counters));
        assertThat(auto.inUse()).as("this kernel (4.18+) knows UDP_SEGMENT").isTrue();

        int fd = ((EpollDatagramChannel) udp).fd().intValue();
        List<Integer> segmentSizes = new ArrayList<>();
        MmsgUdpSender sender = onLoop(() -> new MmsgUdpSender(udp, counters, recording(fd, segmentSizes), OFF));
        onLoop(() -> {
            for (int i = 0; i < 3; i++) {
                sender.add(datagram(i, 64), receiverIpv4(), receiver.getLocalPort(), null);
            }
            sender.flush();
            return null;
        });
        assertReceivedExactly(0, new int[] {64, 64, 64});
        assertThat(segmentSizes).containsExactly(0, 0, 0);
    }

    /** The real sendmmsg, noting each message's segment size (0: a plain datagram) as it is sent. */
    private static MmsgUdpSender.Send recording(int fd, List<Integer> segmentSizes) {
        return (batch, from) -> {
            int sent = batch.send(fd, from, batch.messages() - from);
            for (int m = from; m < from + Math.max(sent, 1); m++) {
                segmentSizes.add(batch.segmentSize(m));
            }
            return sent;
        };
    }

    /** A datagram of {@code length} bytes: its sequence number, then bytes that differ from one to the next. */
    private ByteBuf datagram(int sequence, int length) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(length).writeInt(sequence);
        for (int k = 4; k < length; k++) {
            b.writeByte(sequence * 31 + k);
        }
        sent.add(b);
        return b;
    }

    private void assertReceivedExactly(int first, int[] lengths) throws Exception {
        assertReceivedExactly(first, lengths, ((InetSocketAddress) udp.localAddress()).getPort());
    }

    /** Datagrams {@code first}.. arrive in order, one each, with the lengths and bytes {@link #datagram(int, int)} wrote. */
    private void assertReceivedExactly(int first, int[] lengths, int fromPort) throws Exception {
        byte[] buf = new byte[65_536];
        for (int i = 0; i < lengths.length; i++) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            receiver.receive(p);
            ByteBuf expected = Unpooled.buffer(lengths[i]).writeInt(first + i);
            for (int k = 4; k < lengths[i]; k++) {
                expected.writeByte((first + i) * 31 + k);
            }
            assertThat(java.util.Arrays.copyOf(buf, p.getLength()))
                    .as("datagram %d", first + i)
                    .isEqualTo(expected.array());
            assertThat(p.getPort()).isEqualTo(fromPort);
        }
    }

    private ByteBuf datagram(int sequence) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT
                .directBuffer(64)
                .writeInt(sequence)
                .writeZero(60);
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
            assertThat(ByteBuffer.wrap(buf, 0, p.getLength()).getInt())
                    .as("datagram %d", i)
                    .isEqualTo(i);
            assertThat(p.getPort()).as("sent from the channel's socket").isEqualTo(port);
        }
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return udp.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }
}
