package org.jmiredo.server.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import jdk.net.ExtendedSocketOptions;

/** The socket options of the relay's UDP channels, per transport. */
final class DatagramOptions {
    private DatagramOptions() {}

    /** setsockopt(IPPROTO_IP = 0, IP_MTU_DISCOVER = 10): Linux's per-socket path MTU discovery mode (linux/in.h). */
    static final IntegerUnixChannelOption IP_MTU_DISCOVER = new IntegerUnixChannelOption("IP_MTU_DISCOVER", 0, 10);
    /** IP_PMTUDISC_DONT: never set DF. Linux UDP sockets default to IP_PMTUDISC_WANT, which sets it. */
    static final int IP_PMTUDISC_DONT = 0;
    /**
     * IP_PMTUDISC_OMIT (linux/in.h, Linux 3.15): never set DF, as DONT, and also ignore the path MTU the host
     * learned for a destination (an ICMP "fragmentation needed", anyone's to forge, or a route's mtu): the
     * interface's MTU bounds what leaves whole, and a longer datagram is fragmented. DNS servers set it against
     * forged ICMP.
     */
    static final int IP_PMTUDISC_OMIT = 5;

    static void apply(Bootstrap bootstrap, TransportKind kind, TransportSettings settings) {
        int slot = settings.datagramSlotSize();
        // One buffer per read, sliced into recvBatch slots for recvmmsg; the handle's message count is the
        // number of datagrams (netty-io.md §3). A fixed size keeps the batch predictable.
        FixedRecvByteBufAllocator recv = new FixedRecvByteBufAllocator(settings.recvBatch() * slot);
        recv.maxMessagesPerRead(settings.maxMessagesPerRead());
        bootstrap.option(ChannelOption.RECVBUF_ALLOCATOR, recv);
        // SO_RCVBUF and SO_SNDBUF: SocketBuffers, which reads back what the kernel gave.
        bootstrap.option(ChannelOption.WRITE_BUFFER_WATER_MARK, writeWaterMark(settings));
        switch (kind) {
            case EPOLL -> applyEpoll(bootstrap, settings, slot);
            // RFC 4380 §5.1.2 (CONFORMANCE R-5.1.2-df): no DF bit. The JDK maps false to IP_PMTUDISC_DONT on Linux.
            case NIO -> bootstrap.option(NioChannelOption.of(ExtendedSocketOptions.IP_DONTFRAGMENT), false);
            // BSD and macOS UDP sockets do not set DF unless IP_DONTFRAG is asked for; one socket per port
            // there, as their SO_REUSEPORT does not spread unicast datagrams (netty-io.md §5).
            case KQUEUE -> {}
        }
    }

    /**
     * Datagrams wait in the channel between write and the flush at the end of a read burst; the data path
     * drops (udp_write_failed) while the channel is above the high mark. Netty's default high mark, 64 KiB,
     * is less than one tunnel read burst of full-size packets (64 x 1,308 bytes), which made the relay drop
     * its own bursts under load (measured with bench/compare.sh). Room for four bursts, at least 1 MiB.
     */
    static WriteBufferWaterMark writeWaterMark(TransportSettings settings) {
        int burst = settings.tunReadBudget() * (settings.tunMtu() + 64);
        int high = Math.max(1 << 20, 4 * burst);
        return new WriteBufferWaterMark(high / 2, high);
    }

    private static void applyEpoll(Bootstrap bootstrap, TransportSettings settings, int slot) {
        // One socket per event loop on the same address and port; the kernel spreads peers over them by
        // the hash of the 4-tuple, so one peer stays on one loop (netty-io.md §4).
        bootstrap.option(UnixChannelOption.SO_REUSEPORT, true);
        if (settings.recvBatch() > 1) {
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot);
        }
        if (settings.udpGro()) {
            // Linux 5.0; Netty logs and carries on where the kernel refuses it.
            bootstrap.option(EpollChannelOption.UDP_GRO, true);
        }
        // RFC 4380 §5.1.2 (CONFORMANCE R-5.1.2-df): Teredo datagrams are sent without DF, so a path with a
        // smaller MTU fragments them instead of dropping them. OMIT rather than DONT: with DONT the kernel still
        // takes a destination's learned path MTU as the most a UDP GSO segment may be (ip_setup_cork: fragsize),
        // so one forged ICMP "fragmentation needed" naming a peer's mapping made the next run of datagrams to that
        // peer fail with EMSGSIZE, and UdpGso turned GSO off for the whole relay, for good. With OMIT only the
        // interface's MTU counts; datagrams still leave without DF and are fragmented where a path needs it.
        bootstrap.option(IP_MTU_DISCOVER, IP_PMTUDISC_OMIT);
    }
}
