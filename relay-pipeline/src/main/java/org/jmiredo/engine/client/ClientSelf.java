package org.jmiredo.engine.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.metrics.Counter;
import org.jmiredo.proto.Bubble;
import org.jmiredo.proto.BubbleSource;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Ipv6Scope;
import org.jmiredo.proto.SipHash;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;

/**
 * What the client's data rules share, on its one event loop: its own Teredo address while qualified, its
 * server, and the control packets it sends. The direct IPv6 connectivity test (RFC 4380 §5.2.9) sends an
 * ICMPv6 Echo Request through the server whose 8 data bytes are a keyed hash of the peer's address: the
 * reply proves the peer (and the relay it came through) without any state per test. The bubbles that open
 * the way to a Teredo peer come from fe80:: plus a keyed hash of its address, as Miredo's (CONFORMANCE M14):
 * the peer's answer, addressed to that source, proves it answers ours even from another mapping (M15).
 */
public final class ClientSelf {
    /** The echo test's data: one SipHash value. */
    static final int NONCE_LENGTH = 8;
    /** Hop limit of our echo requests (RFC 4861's default for hosts). */
    private static final int ECHO_HOP_LIMIT = 64;

    /** The server of our address (its bits 32-63): it moves when the server's host name resolves anew. */
    private int server;

    private final int prefix;
    private final long k0;
    private final long k1;
    private final BubbleSource bubbleSource;
    private final ByteBufAllocator alloc;
    private boolean qualified;
    private long hi;
    private long lo;

    /**
     * @param server the server's primary IPv4, where echo tests go (port 3544), until an address names another
     * @param k0 the first half of the echo test's key (random per start)
     * @param bubbleSource the sources of our bubbles to Teredo peers (a key of its own, random per start)
     */
    public ClientSelf(int server, int prefix, long k0, long k1, BubbleSource bubbleSource, ByteBufAllocator alloc) {
        this.server = server;
        this.prefix = prefix;
        this.k0 = k0;
        this.k1 = k1;
        this.bubbleSource = bubbleSource;
        this.alloc = alloc;
    }

    /**
     * Qualified with this address (or its mapping changed); true when it is not the last one we had: the first,
     * or one from a new NAT mapping, under which no peer's trust in us holds.
     */
    public boolean qualified(long addressHi, long addressLo) {
        boolean changed = addressHi != hi || addressLo != lo;
        qualified = true;
        server = TeredoAddress.serverIpv4(addressHi);
        hi = addressHi;
        lo = addressLo;
        return changed;
    }

    /** Not qualified: nothing is carried until the next {@link #qualified}. */
    public void unqualified() {
        qualified = false;
    }

    boolean isQualified() {
        return qualified;
    }

    /** Our Teredo address while qualified: its high 64 bits. */
    long addressHi() {
        return hi;
    }

    /** Our Teredo address while qualified: its low 64 bits. */
    long addressLo() {
        return lo;
    }

    boolean isSelf(long addressHi, long addressLo) {
        return qualified && addressHi == hi && addressLo == lo;
    }

    boolean isServer(int ipv4, int port) {
        return ipv4 == server && port == Teredo.SERVICE_PORT;
    }

    boolean isTeredo(long addressHi) {
        return TeredoAddress.isTeredo(addressHi, prefix);
    }

    /**
     * A native peer the rules may test and keep an entry for: of global scope (not loopback, link-local,
     * multicast, IPv4-mapped...) and outside ::/64, which no peer has and the peer table keeps as "empty".
     */
    static boolean isGlobalPeer(long hi, long lo) {
        return hi != 0 && Ipv6Scope.isGlobal(hi, lo);
    }

    /** The echo test's data for the peer {@code peerHi/peerLo}. */
    long nonce(long peerHi, long peerLo) {
        return SipHash.hash16(k0, k1, peerHi, peerLo);
    }

    /** Sends the direct IPv6 connectivity test to {@code peerHi/peerLo} through our server (§5.2.9). */
    void sendEchoTest(long peerHi, long peerLo, RelayOutput out) {
        ByteBuf data = alloc.heapBuffer(NONCE_LENGTH, NONCE_LENGTH).writeLong(nonce(peerHi, peerLo));
        ByteBuf request = alloc.directBuffer(Ipv6.HEADER_LENGTH + Icmpv6.HEADER_LENGTH + NONCE_LENGTH);
        try {
            Icmpv6.appendEchoRequest(request, ECHO_HOP_LIMIT, hi, lo, peerHi, peerLo, 0, 0, data, 0, NONCE_LENGTH);
        } finally {
            data.release();
        }
        out.toUdp(request, server, Teredo.SERVICE_PORT, RelayOutput.ANY_LOCAL, Counter.ECHO_TESTS_TX);
    }

    /**
     * True when the packet at {@code at} from {@code peerHi/peerLo} answers our test (§5.2.9): its echo reply, 8
     * bytes of data, the keyed hash of its source; or, as Miredo takes it (CONFORMANCE M13), the host's own
     * Destination Unreachable quoting that echo request: a host that rejects pings (ip6tables REJECT) still shows
     * which relay serves it, and may serve other traffic.
     */
    boolean answersEchoTest(ByteBuf buf, int at, long peerHi, long peerLo) {
        if (Ipv6.nextHeader(buf, at) != Ipv6.NEXT_HEADER_ICMPV6) {
            return false;
        }
        int icmp = at + Ipv6.HEADER_LENGTH;
        int length = Ipv6.payloadLength(buf, at);
        return switch (Icmpv6.type(buf, icmp)) {
            case Icmpv6.TYPE_ECHO_REPLY ->
                length == Icmpv6.HEADER_LENGTH + NONCE_LENGTH
                        && buf.getLong(icmp + Icmpv6.ECHO_DATA_OFFSET) == nonce(peerHi, peerLo);
            case Icmpv6.TYPE_DESTINATION_UNREACHABLE ->
                quotesEchoTest(buf, icmp + Icmpv6.HEADER_LENGTH, length - Icmpv6.HEADER_LENGTH, peerHi, peerLo);
            default -> false;
        };
    }

    /** The {@code length} bytes at {@code quoted} start with our echo request to {@code peerHi/peerLo}, data included. */
    private boolean quotesEchoTest(ByteBuf buf, int quoted, int length, long peerHi, long peerLo) {
        int icmp = quoted + Ipv6.HEADER_LENGTH;
        return length >= Ipv6.HEADER_LENGTH + Icmpv6.HEADER_LENGTH + NONCE_LENGTH
                && Ipv6.nextHeader(buf, quoted) == Ipv6.NEXT_HEADER_ICMPV6
                && isSelf(Ipv6.srcHi(buf, quoted), Ipv6.srcLo(buf, quoted))
                && Ipv6.dstHi(buf, quoted) == peerHi
                && Ipv6.dstLo(buf, quoted) == peerLo
                && Icmpv6.type(buf, icmp) == Icmpv6.TYPE_ECHO_REQUEST
                && buf.getLong(icmp + Icmpv6.ECHO_DATA_OFFSET) == nonce(peerHi, peerLo);
    }

    /** Answers a bubble: from our address to {@code peerHi/peerLo}, the answer's source, at {@code ipv4:port}. */
    void sendBubble(long peerHi, long peerLo, int ipv4, int port, Counter kind, RelayOutput out) {
        send(hi, lo, peerHi, peerLo, ipv4, port, kind, out);
    }

    /** A bubble towards the Teredo peer {@code peerHi/peerLo} at {@code ipv4:port} (§5.2.6), from our keyed source. */
    void sendProbeBubble(long peerHi, long peerLo, int ipv4, int port, Counter kind, RelayOutput out) {
        long sourceLo = bubbleSource.interfaceId(peerHi, peerLo);
        send(BubbleSource.LINK_LOCAL_HI, sourceLo, peerHi, peerLo, ipv4, port, kind, out);
    }

    /** True when a bubble from {@code peerHi/peerLo} to {@code dstHi/dstLo} answers one of our probe bubbles. */
    boolean answersProbe(long peerHi, long peerLo, long dstHi, long dstLo) {
        return bubbleSource.answers(dstHi, dstLo, peerHi, peerLo);
    }

    private void send(
            long srcHi, long srcLo, long dstHi, long dstLo, int ipv4, int port, Counter kind, RelayOutput out) {
        ByteBuf bubble = alloc.directBuffer(Bubble.LENGTH);
        Bubble.write(bubble, srcHi, srcLo, dstHi, dstLo);
        out.toUdp(bubble, ipv4, port, RelayOutput.ANY_LOCAL, kind);
    }
}
