package org.jmiredo.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.util.Arrays;
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
 * go there too, so none overtakes an older one. Datagrams the kernel refuses are counted as
 * {@code udp_write_failed}, as Netty's path counts a failed write.
 */
final class MmsgUdpSender implements UdpSender {
    /** Datagrams per sendmmsg; a fuller batch is sent at once. */
    static final int BATCH = 128;

    /** One sendmmsg of the batch from an index: how many left, or {@code -errno}. */
    @FunctionalInterface
    interface Send {
        int send(DatagramBatch batch, int from);
    }

    private final Channel udp;
    private final DataPathCounters counters;
    private final Send syscall;
    private final DatagramBatch batch = new DatagramBatch(BATCH);
    private final ByteBuf[] payloads = new ByteBuf[BATCH];
    private final UdpSender overflow;
    /** Netty's outbound buffer holds datagrams (or did at the last flush): new ones queue behind them. */
    private boolean viaChannel;

    MmsgUdpSender(Channel udp, DataPathCounters counters, Send syscall) {
        this(udp, counters, syscall, new ChannelUdpSender(udp));
    }

    private MmsgUdpSender(Channel udp, DataPathCounters counters, Send syscall, UdpSender overflow) {
        this.udp = udp;
        this.counters = counters;
        this.syscall = syscall;
        this.overflow = overflow;
    }

    /** The sender for one loop's channel: ours on epoll, Netty's elsewhere. */
    static UdpSender forChannel(Channel udp, DataPathCounters counters) {
        if (udp instanceof EpollDatagramChannel epoll) {
            int fd = epoll.fd().intValue();
            return new MmsgUdpSender(udp, counters, (batch, from) -> batch.send(fd, from, batch.size() - from));
        }
        return new ChannelUdpSender(udp);
    }

    /**
     * The relay's warm-up sender (HandshakeWarmUp): this class, so that the data path's call sites see the
     * live sender's type, but its "system call" takes every datagram as sent and sends nothing, and what
     * would go through Netty's outbound buffer is dropped: nothing ever reaches {@code udp}'s socket.
     */
    static UdpSender discarding(Channel udp, DataPathCounters counters) {
        return new MmsgUdpSender(udp, counters, (batch, from) -> batch.size() - from, new UdpSender() {
            @Override
            public void add(ByteBuf payload, int ipv4, int port) {
                payload.release();
            }

            @Override
            public void flush() {}
        });
    }

    @Override
    public void add(ByteBuf payload, int ipv4, int port) {
        if (viaChannel || !payload.hasMemoryAddress()) {
            sendBatch(); // whatever is older leaves first
            viaChannel = true;
            overflow.add(payload, ipv4, port);
            return;
        }
        if (batch.isFull()) {
            sendBatch();
        }
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
        int at = 0;
        try {
            if (n > 0 && !udp.isOpen()) {
                return; // closed meanwhile: its fd number may already belong to another socket
            }
            while (at < n) {
                int sent = syscall.send(batch, at);
                if (sent > 0) {
                    at = release(at, at + sent);
                } else if (sent == -Errno.EAGAIN || sent == -Errno.EINTR) {
                    at = toChannel(at, n); // the socket is full: Netty waits for it to drain
                } else {
                    counters.drop(DropReason.UDP_WRITE_FAILED); // this one is refused; the rest may go
                    at = release(at, at + 1);
                }
            }
        } finally {
            for (int i = at; i < n; i++) { // the channel was closed or the call threw: none of these left
                counters.drop(DropReason.UDP_WRITE_FAILED);
                payloads[i].release();
            }
            Arrays.fill(payloads, 0, n, null);
            batch.clear();
        }
    }

    private int release(int from, int to) {
        for (int i = from; i < to; i++) {
            payloads[i].release();
        }
        return to;
    }

    /** Hands the unsent rest of the batch to Netty's outbound buffer, oldest first. */
    private int toChannel(int from, int to) {
        viaChannel = true;
        for (int i = from; i < to; i++) {
            if (udp.isWritable()) {
                overflow.add(payloads[i], batch.ipv4(i), batch.port(i));
            } else {
                counters.drop(DropReason.UDP_WRITE_FAILED);
                payloads[i].release();
            }
        }
        overflow.flush();
        return to;
    }
}
