package org.jmiredo.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.metrics.Counter;
import org.jmiredo.proto.Bubble;
import org.jmiredo.proto.BubbleSource;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;

/**
 * Builds and sends the relay's bubbles (RFC 4380 §5.4.1 case 3). Their IPv6 source is a link-local
 * address whose interface id is a keyed hash of the peer's address (Miredo, M14, hashes its mapping), so that a
 * reply bubble can be checked statelessly, which is what lets a peer behind a symmetric NAT (a mapping
 * other than the embedded one) be trusted without opening the door to spoofed packets (M15).
 */
public final class Bubbles implements AutoCloseable {
    /** Transmission decisions, combined as bits. */
    static final int NONE = 0;

    static final int SEND = 1;
    static final int WAIT = 2;
    static final int QUEUED = 4;
    static final int UNREACHABLE = 8;
    static final int QUEUE_FULL = 16;
    static final int QUEUE_PEERS_FULL = 32;
    /** With {@link #WAIT}: the relay's budget withheld the bubble of an unproved peer over its credit. */
    static final int OVER_BUDGET = 64;

    private final BubbleSource source;
    private final BubbleRing buffers;

    /** For one event loop: {@code alloc} is its channel's; {@link #close} once the loop has stopped. */
    public Bubbles(BubbleSource source, ByteBufAllocator alloc) {
        this.source = source;
        this.buffers = new BubbleRing(alloc);
    }

    /**
     * An indirect bubble through the peer's server, IPv4 from its address, port 3544 (R-5.4.1-c3). It leaves
     * from the source the route picks: the server tells the peer that source (origin indication), so the
     * peer answers to it, and the mapping is learned on the address the answer arrives at.
     */
    void sendIndirect(long dstHi, long dstLo, RelayOutput out) {
        sendIndirect(dstHi, dstLo, Counter.BUBBLES_TX_INDIRECT, out);
    }

    /**
     * The indirect bubble to a trusted peer whose packet came from a mapping it was not trusted at (its NAT
     * rebound the flow, {@link Reception}), counted as such too: its answer trusts the new mapping.
     */
    void sendRebound(long dstHi, long dstLo, RelayOutput out) {
        sendIndirect(dstHi, dstLo, Counter.BUBBLES_TX_REBOUND, out);
    }

    /**
     * The indirect bubble to a peer without an entry whose packet came from a mapping its address does not embed
     * ({@link Reception}), counted as such too: its answer, keyed to ours, trusts it at that mapping.
     */
    void sendUnknown(long dstHi, long dstLo, RelayOutput out) {
        sendIndirect(dstHi, dstLo, Counter.BUBBLES_TX_UNKNOWN, out);
    }

    private void sendIndirect(long dstHi, long dstLo, Counter kind, RelayOutput out) {
        out.toUdp(
                bubbleTo(dstHi, dstLo),
                TeredoAddress.serverIpv4(dstHi),
                Teredo.SERVICE_PORT,
                RelayOutput.ANY_LOCAL,
                kind);
    }

    /** A direct bubble to the mapping embedded in the peer's address (R-5.4.1-direct). */
    void sendDirect(long dstHi, long dstLo, RelayOutput out) {
        out.toUdp(
                bubbleTo(dstHi, dstLo),
                TeredoAddress.mappedIpv4(dstLo),
                TeredoAddress.mappedPort(dstLo),
                RelayOutput.ANY_LOCAL,
                Counter.BUBBLES_TX_DIRECT);
    }

    /**
     * True when a bubble from the Teredo address {@code srcHi}:{@code srcLo} is addressed to the source we
     * used in our bubble to that address: proof that it answers one of ours.
     */
    boolean answersOurs(long srcHi, long srcLo, long dstHi, long dstLo) {
        return source.answers(dstHi, dstLo, srcHi, srcLo);
    }

    /** Gives back the buffers bubbles are written into. */
    @Override
    public void close() {
        buffers.close();
    }

    private ByteBuf bubbleTo(long dstHi, long dstLo) {
        ByteBuf buf = buffers.take();
        long srcLo = source.interfaceId(dstHi, dstLo);
        Bubble.write(buf, BubbleSource.LINK_LOCAL_HI, srcLo, dstHi, dstLo);
        return buf;
    }
}
