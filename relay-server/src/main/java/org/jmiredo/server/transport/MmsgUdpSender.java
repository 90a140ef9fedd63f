package org.jmiredo.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.util.Arrays;
import java.util.function.IntPredicate;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.ChannelUdpSender;
import org.jmiredo.pipeline.UdpSender;
import org.jmiredo.server.sys.DatagramBatch;
import org.jmiredo.server.sys.Errno;

/**
 * The relay's own sendmmsg(2) on an epoll channel's socket, past Netty's pipeline and outbound buffer
 * (which cost about a tenth of the event loop per datagram sent: a message object, an address object, a
 * pipeline walk, an outbound-buffer entry with atomic byte counts, JNI field copies). Payloads are sent
 * from where they lie and released once sent. When the socket is full (EAGAIN) the rest go to Netty's
 * outbound buffer, which waits for the socket to drain; until Netty has sent all it holds, new datagrams
 * go there too, so none overtakes an older one. Each datagram is counted once its fate is known: as sent
 * when the kernel took it, as {@code udp_write_failed} when it refused it (a firewall's EPERM, no route).
 *
 * <p>While {@link UdpGso} is in use, runs of datagrams to one destination leave as one UDP GSO message each
 * ({@link DatagramBatch}). When the kernel refuses a run in a way GSO may be to blame for, the run's datagrams
 * are sent again one by one; if the first of them goes, GSO was to blame and is turned off towards that
 * destination (its route), or for good once too many were refused ({@link UdpGso}).
 */
final class MmsgUdpSender implements UdpSender {
    /** Datagrams per sendmmsg; a fuller batch is sent at once. */
    static final int BATCH = 128;

    /** One sendmmsg of the batch's messages from an index: how many left, or {@code -errno}. */
    @FunctionalInterface
    interface Send {
        int send(DatagramBatch batch, int from);
    }

    private final Channel udp;
    private final DataPathCounters counters;
    private final Send syscall;
    private final UdpGso gso;
    private final DatagramBatch batch = new DatagramBatch(BATCH);
    private final ByteBuf[] payloads = new ByteBuf[BATCH];
    /** What each payload is, counted with it when it leaves (null for data). */
    private final Counter[] kinds = new Counter[BATCH];

    private final UdpSender overflow;
    /** {@link UdpGso#refusedTowards}, made once. */
    private final IntPredicate refusedTowards;
    /** Netty's outbound buffer holds datagrams (or did at the last flush): new ones queue behind them. */
    private boolean viaChannel;

    MmsgUdpSender(Channel udp, DataPathCounters counters, Send syscall, UdpGso gso) {
        this(udp, counters, syscall, gso, new ChannelUdpSender(udp, counters));
    }

    private MmsgUdpSender(Channel udp, DataPathCounters counters, Send syscall, UdpGso gso, UdpSender overflow) {
        this.udp = udp;
        this.counters = counters;
        this.syscall = syscall;
        this.gso = gso;
        this.overflow = overflow;
        this.refusedTowards = gso::refusedTowards;
        batch.segmenting(gso.inUse());
    }

    /** The senders for a loop's channels: ours on epoll (asking each socket about GSO first), Netty's elsewhere. */
    static UdpSender.Factory factory(UdpGso gso) {
        return (udp, counters) -> {
            if (udp instanceof EpollDatagramChannel epoll) {
                int fd = epoll.fd().intValue();
                gso.probe(fd);
                return new MmsgUdpSender(
                        udp, counters, (batch, from) -> batch.send(fd, from, batch.messages() - from), gso);
            }
            return new ChannelUdpSender(udp, counters);
        };
    }

    /**
     * The relay's warm-up sender (HandshakeWarmUp): this class, so that the data path's call sites see the
     * live sender's type, but its "system call" takes every datagram as sent and sends nothing, and what
     * would go through Netty's outbound buffer is dropped: nothing ever reaches {@code udp}'s socket. It groups
     * runs as the live senders do while {@code gso} is in use (and never turns it off: nothing is refused).
     */
    static UdpSender discarding(Channel udp, DataPathCounters counters, UdpGso gso) {
        return new MmsgUdpSender(udp, counters, (batch, from) -> batch.messages() - from, gso, new UdpSender() {
            @Override
            public void add(ByteBuf payload, int ipv4, int port, Counter kind) {
                payload.release();
            }

            @Override
            public void flush() {}
        });
    }

    @Override
    public void add(ByteBuf payload, int ipv4, int port, Counter kind) {
        if (viaChannel || !payload.hasMemoryAddress()) {
            sendBatch(); // whatever is older leaves first
            viaChannel = true;
            overflow.add(payload, ipv4, port, kind);
            return;
        }
        if (batch.isFull()) {
            sendBatch();
        }
        kinds[batch.size()] = kind;
        payloads[batch.size()] = payload;
        batch.add(payload.memoryAddress() + payload.readerIndex(), payload.readableBytes(), ipv4, port);
    }

    @Override
    public void flush() {
        sendBatch();
        if (viaChannel) {
            overflow.flush();
            ChannelOutboundBuffer held = udp.unsafe().outboundBuffer();
            viaChannel = held != null && held.totalPendingWriteBytes() > 0;
        }
    }

    private void sendBatch() {
        int n = batch.size();
        int m = 0;
        int refusedRun = 0; // errno of a GSO run refused and split, until its first datagram's fate says why
        try {
            if (n > 0 && !udp.isOpen()) {
                return; // closed meanwhile: its fd number may already belong to another socket
            }
            if (batch.messages() < n && gso.anyRefused()) {
                separateRefused(); // runs were grouped, and the kernel refused runs to some destination before
            }
            while (m < batch.messages()) {
                int sent = syscall.send(batch, m);
                if (sent > 0) {
                    if (refusedRun != 0) {
                        gso.refused(refusedRun, batch.ipv4(m)); // alone, the run's first datagram went
                        refusedRun = 0;
                    }
                    m = release(m, m + sent, true);
                } else if (sent == -Errno.EAGAIN || sent == -Errno.EINTR) {
                    toChannel(m); // the socket is full: Netty waits for it to drain
                    m = batch.messages();
                } else if (batch.segmentSize(m) != 0 && mayBeGso(-sent)) {
                    refusedRun = -sent;
                    batch.ungroup(m); // the same datagrams again, one message each
                } else {
                    refusedRun = 0; // refused alone too: the datagram's fault, not GSO's
                    m = release(m, m + 1, false); // refused; the rest may go
                }
            }
        } finally {
            int at = m < batch.messages() ? batch.firstDatagram(m) : n;
            for (int i = at; i < n; i++) { // the channel was closed or the call threw: none of these left
                counters.drop(DropReason.UDP_WRITE_FAILED);
                payloads[i].release();
            }
            Arrays.fill(payloads, 0, n, null);
            Arrays.fill(kinds, 0, n, null);
            batch.clear();
            batch.segmenting(gso.inUse());
        }
    }

    /**
     * Splits the batch's runs to destinations the kernel refused runs to into one message per datagram, from the
     * first such run on; the other runs stay grouped. A lookup per run, and only while there are such destinations:
     * nothing is added to the per-datagram path.
     */
    private void separateRefused() {
        for (int m = 0; m < batch.messages(); m++) {
            if (batch.datagrams(m) > 1 && refusedTowards.test(batch.ipv4(m))) {
                batch.separate(m, refusedTowards);
                return;
            }
        }
    }

    /** Errors of a GSO send that a plain one would not get (udp_send_skb, net/ipv4/udp.c). */
    private static boolean mayBeGso(int errno) {
        return errno == Errno.EIO || errno == Errno.EINVAL || errno == Errno.EMSGSIZE;
    }

    /**
     * Counts the datagrams of messages {@code from} (inclusive) to {@code to} as sent, or as refused, and
     * releases their payloads; returns {@code to}.
     */
    private int release(int from, int to, boolean sent) {
        int end = to < batch.messages() ? batch.firstDatagram(to) : batch.size();
        for (int i = batch.firstDatagram(from); i < end; i++) {
            if (sent) {
                counters.sent(kinds[i], payloads[i].readableBytes());
            } else {
                counters.drop(DropReason.UDP_WRITE_FAILED);
            }
            payloads[i].release();
        }
        return to;
    }

    /** Hands the unsent rest of the batch, from message {@code from} on, to Netty's outbound buffer, oldest first. */
    private void toChannel(int from) {
        viaChannel = true;
        for (int m = from; m < batch.messages(); m++) {
            int first = batch.firstDatagram(m);
            for (int i = first; i < first + batch.datagrams(m); i++) {
                if (udp.isWritable()) {
                    overflow.add(payloads[i], batch.ipv4(m), batch.port(m), kinds[i]);
                } else {
                    counters.drop(DropReason.UDP_WRITE_FAILED);
                    payloads[i].release();
                }
            }
        }
        overflow.flush();
    }
}
