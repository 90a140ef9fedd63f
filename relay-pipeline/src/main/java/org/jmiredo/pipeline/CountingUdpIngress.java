package org.jmiredo.pipeline;

import java.io.IOException;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link UdpIngress} whose events outside the datagrams it takes are counted alike in every role that
 * reads a socket (relay, client), so that one series means one thing whichever daemon exposes it: a
 * datagram the reader cut was received and then dropped ({@code udp_truncated}), a failed read is a
 * receive error, and a failure Netty reports on the pipeline is a failed write or an internal error.
 */
public abstract class CountingUdpIngress implements UdpIngress {
    /** The socket's loop's counters: written on that loop only. */
    protected final DataPathCounters counters;

    private final Logger log = LoggerFactory.getLogger(getClass());

    protected CountingUdpIngress(DataPathCounters counters) {
        this.counters = counters;
    }

    @Override
    public final void truncated(int length) {
        counters.increment(Counter.UDP_RX_PACKETS);
        counters.add(Counter.UDP_RX_BYTES, length);
        counters.drop(DropReason.UDP_TRUNCATED);
    }

    @Override
    public final void receiveFailed() {
        counters.increment(Counter.UDP_RX_ERRORS);
    }

    @Override
    public final void failed(Throwable cause) {
        counters.drop(cause instanceof IOException ? DropReason.UDP_WRITE_FAILED : DropReason.INTERNAL_ERROR);
        log.debug("UDP pipeline error", cause);
    }
}
