package org.jmiredo.bench.gen;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jmiredo.bench.sys.Libc;
import org.jmiredo.bench.sys.MsgVec;
import org.jmiredo.bench.sys.SockAddr;

/**
 * Everything the relay sends to the generator namespace, read from one AF_PACKET socket (packet(7),
 * SOCK_DGRAM, ETH_P_IP, bound to the namespace's interface, ignoring our own outgoing packets). It sees
 * datagrams before the IP stack, so the lab drops them in the raw PREROUTING table afterwards: no socket
 * per client, no ICMP port-unreachable storm.
 * <ul>
 * <li>To the server address, port 3544: the relay's indirect bubble for a client (RFC 4380 §5.4.1). The
 * generator plays both the server and the client: it answers at once with the direct bubble a Miredo
 * client sends when its server forwards the bubble, from the client's mapped address and port, source =
 * the client's Teredo address, destination = the indirect bubble's IPv6 source (§5.2.4).
 * <li>To a client's mapping: a Teredo data packet; its probe is counted (or marks the peer primed).
 * </ul>
 */
final class RelayReceiver extends Receiver {
    private static final int SERVICE_PORT = 3544;
    private static final int BUBBLE_DATAGRAM = Wire.IPV4_HEADER + Wire.UDP_HEADER + Wire.IPV6_HEADER;

    private final Peers peers;
    private final int rawFd;
    private final MsgVec replies;
    private int pendingReplies;
    final Delivery delivery = new Delivery();
    /** One bit per peer, set once its priming packet came back through the relay (handshake done). */
    final AtomicLongArray primed;

    volatile long primedCount;
    long bubbles;
    long bubbleReplyErrors;
    long other;

    RelayReceiver(int packetFd, int rawFd, Peers peers) {
        super(packetFd, 64, 2048);
        this.rawFd = rawFd;
        this.peers = peers;
        this.replies = new MsgVec(64, 128);
        this.primed = new AtomicLongArray((peers.count + 63) / 64);
    }

    /** packet(7) socket in the current namespace on {@code ifname}, IPv4 only, big receive buffer. */
    static int openPacket(String ifname) {
        int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_DGRAM, Short.reverseBytes((short) Libc.ETH_P_IP) & 0xFFFF);
        Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, 64 << 20);
        try {
            Libc.setsockoptInt(fd, Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING, 1);
        } catch (RuntimeException e) {
            // Before Linux 4.20 our own sends loop back too; they are recognised and ignored below.
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ll = arena.allocate(SockAddr.LL_LENGTH, 8);
            SockAddr.ll(ll, Libc.ETH_P_IP, Libc.ifNameToIndex(ifname));
            Libc.bind(fd, ll);
        }
        return fd;
    }

    boolean isPrimed(int peer) {
        return (primed.get(peer >>> 6) & 1L << peer) != 0;
    }

    @Override
    void handle(int slot, int length, long now) {
        MemorySegment b = vec.buffer(slot);
        int vihl = b.get(JAVA_BYTE, 0) & 0xFF;
        int ihl = (vihl & 0xF) * 4;
        if (vihl >> 4 != 4
                || length < ihl + Wire.UDP_HEADER + Wire.IPV6_HEADER
                || (b.get(JAVA_BYTE, 9) & 0xFF) != Wire.PROTO_UDP) {
            other++;
            return;
        }
        int src = b.get(Wire.INT, 12);
        int dst = b.get(Wire.INT, 16);
        int srcPort = b.get(Wire.SHORT, ihl) & 0xFFFF;
        int dstPort = b.get(Wire.SHORT, ihl + 2) & 0xFFFF;
        int at = skipTeredoHeaders(b, ihl + Wire.UDP_HEADER, length);
        if (at < 0 || (b.get(JAVA_BYTE, at) & 0xF0) != 0x60) {
            other++;
            return;
        }
        if (dst == peers.server && dstPort == SERVICE_PORT) {
            bubble(b, at, src, srcPort);
            return;
        }
        int peer = peers.index(dst, dstPort);
        if (peer < 0
                || (b.get(JAVA_BYTE, at + 6) & 0xFF) != Wire.PROTO_UDP
                || length < at + Wire.IPV6_HEADER + Wire.UDP_HEADER + Wire.PROBE) {
            other++;
            return;
        }
        long probe = at + Wire.IPV6_HEADER + Wire.UDP_HEADER;
        int magic = b.get(Wire.INT, probe);
        if (magic == Wire.MAGIC_DATA) {
            delivery.record(length - at, b.get(Wire.LONG, probe + 16), now);
            if (b.get(Wire.INT, probe + 4) != peer) {
                delivery.misdelivered++;
            }
        } else if (magic == Wire.MAGIC_PRIME) {
            long word = primed.get(peer >>> 6);
            if ((word & 1L << peer) == 0) {
                primed.set(peer >>> 6, word | 1L << peer);
                primedCount = primedCount + 1; // single writer
            }
        } else {
            other++;
        }
    }

    /** Skips an authentication and an origin indication header (RFC 4380 §5.1.1); -1 if malformed. */
    private static int skipTeredoHeaders(MemorySegment b, int at, int end) {
        if (end - at >= 13 && (b.get(Wire.SHORT, at) & 0xFFFF) == 0x0001) {
            at += 13 + (b.get(JAVA_BYTE, at + 2) & 0xFF) + (b.get(JAVA_BYTE, at + 3) & 0xFF);
        }
        if (end - at >= 8 && (b.get(Wire.SHORT, at) & 0xFFFF) == 0x0000) {
            at += 8;
        }
        return end - at >= Wire.IPV6_HEADER ? at : -1;
    }

    /** Answers an indirect bubble with the client's direct bubble, queued for one sendmmsg per batch. */
    private void bubble(MemorySegment b, int at, int relayIpv4, int relayPort) {
        bubbles++;
        long srcHi = b.get(Wire.LONG, at + 8);
        long srcLo = b.get(Wire.LONG, at + 16);
        long dstHi = b.get(Wire.LONG, at + 24);
        long dstLo = b.get(Wire.LONG, at + 32);
        int peer = peers.indexOf(dstHi, dstLo);
        if (peer < 0) {
            other++;
            return;
        }
        int i = pendingReplies++;
        MemorySegment r = replies.buffer(i);
        Wire.ipv4(r, 0, BUBBLE_DATAGRAM, peers.ipv4(peer), relayIpv4);
        Wire.udp(r, Wire.IPV4_HEADER, peers.port(peer), relayPort, Wire.UDP_HEADER + Wire.IPV6_HEADER);
        Wire.ipv6(r, Wire.IPV4_HEADER + Wire.UDP_HEADER, 0, Wire.NEXT_NONE, dstHi, dstLo, srcHi, srcLo);
        SockAddr.in(replies.name(i), relayIpv4, 0);
        replies.useName(i, SockAddr.IN_LENGTH);
        replies.length(i, BUBBLE_DATAGRAM);
        if (pendingReplies == replies.count()) {
            batchDone();
        }
    }

    @Override
    void closed() {
        replies.close();
    }

    @Override
    void batchDone() {
        int done = 0;
        while (done < pendingReplies) {
            int r = Libc.sendmmsg(rawFd, replies.vectorFrom(done), pendingReplies - done);
            if (r > 0) {
                done += r;
            } else if (r != -Libc.EINTR) {
                bubbleReplyErrors += pendingReplies - done;
                break;
            }
        }
        pendingReplies = 0;
    }
}
