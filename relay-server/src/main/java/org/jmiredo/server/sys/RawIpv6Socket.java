package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A send-only raw IPv6 socket whose packets carry their own IPv6 header: {@code socket(AF_INET6, SOCK_RAW,
 * IPPROTO_RAW)}. On Linux, inet6_create() (net/ipv6/af_inet6.c) sets the socket's HDRINCL flag when the
 * protocol is IPPROTO_RAW, and rawv6_sendmsg() then sends the buffer as it is (rawv6_send_hdrinc): the
 * source address is the packet's own, which need not be an address of this host. raw(7) documents this
 * for IPv4 only; for IPv6 it is kernel behaviour since Linux 2.6 (IPV6_HDRINCL, Linux 4.5, is the explicit
 * form), and RawIpv6SocketTest checks it on the running kernel. This is what a Teredo server needs to send
 * a client's ICMPv6 echo request on to the native IPv6 Internet unchanged (RFC 4380 §5.3.1, relay
 * discovery), as Miredo's server does; IPPROTO_ICMPV6 would make the kernel write its own header with a
 * local source address, which breaks relay discovery.
 *
 * <p>The destination passed to sendto(2) is the packet's own (bytes 24-39): the kernel routes by it. The
 * socket is non-blocking, so a full send buffer costs the packet (EAGAIN), never the event loop's time.
 * Needs CAP_NET_RAW. One fd is shared; each sending thread uses its own {@link Sender}, whose native
 * buffers are allocated once, so a send allocates nothing.
 */
public final class RawIpv6Socket implements AutoCloseable {
    /** linux/socket.h. */
    static final int AF_INET6 = 10;
    /** linux/in.h: "raw IP packets"; on AF_INET6 the header is included (see above). */
    static final int IPPROTO_RAW = 255;
    /** struct sockaddr_in6: family (u16), port (be16), flowinfo (be32), addr[16], scope_id (u32). */
    static final int SOCKADDR_IN6_SIZE = 28;

    private static final long SIN6_ADDR_OFFSET = 8;
    /** Where the destination address lies in an IPv6 header (RFC 8200 §3). */
    private static final int IPV6_DST_OFFSET = 24;

    private static final int IPV6_HEADER_LENGTH = 40;
    /** errno EMSGSIZE (asm-generic/errno.h), returned here for a packet larger than the buffer. */
    public static final int EMSGSIZE = Errno.EMSGSIZE;

    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RawIpv6Socket(int fd) {
        this.fd = fd;
    }

    /**
     * Opens the socket.
     *
     * @throws NativeException with an operator hint, e.g. when CAP_NET_RAW is missing (EPERM)
     */
    public static RawIpv6Socket open() throws NativeException {
        int fd = Libc.socket(AF_INET6, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, IPPROTO_RAW);
        if (fd < 0) {
            throw new NativeException(openHint(-fd), "socket AF_INET6 SOCK_RAW IPPROTO_RAW", -fd);
        }
        return new RawIpv6Socket(fd);
    }

    /** The one line for the operator; each case names the way out, as the daemon stops on it. */
    static String openHint(int errno) {
        return switch (errno) {
            case Errno.EPERM, Errno.EACCES ->
                "missing CAP_NET_RAW for the native IPv6 output: run as root, grant "
                        + "CAP_NET_RAW, or set jmiredo.server.native-forwarding = false";
            // EAFNOSUPPORT: a kernel booted with ipv6.disable=1 (an IPv4-only host) has no AF_INET6 at all.
            default ->
                "cannot open the raw IPv6 socket for native forwarding (is IPv6 enabled?); on a host without "
                        + "native IPv6 set jmiredo.server.native-forwarding = false";
        };
    }

    /**
     * A sender for one thread: its own packet buffer of {@code capacity} bytes, destination address and
     * errno slot. Not thread-safe; one per event loop.
     */
    public Sender sender(int capacity) {
        return new Sender(capacity);
    }

    /** Closes the fd; senders then fail with EBADF. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Libc.close(fd);
        }
    }

    /** One thread's sending state; see {@link RawIpv6Socket#sender}. */
    public final class Sender {
        private final MemorySegment packet;
        private final ByteBuffer packetView;
        private final MemorySegment destination;
        private final MemorySegment state;

        private Sender(int capacity) {
            // GC-managed: the segments live as long as this sender, whichever thread uses it.
            Arena arena = Arena.ofAuto();
            this.packet = arena.allocate(capacity, 8);
            this.packetView = packet.asByteBuffer();
            this.destination = arena.allocate(SOCKADDR_IN6_SIZE, 8);
            this.state = arena.allocate(Libc.captureStateLayout());
            destination.set(JAVA_SHORT, 0, (short) AF_INET6); // host order; port, flowinfo and scope stay 0
        }

        /**
         * Sends the readable bytes of {@code ipv6} (one whole IPv6 packet, header included) to the
         * destination in its header. Does not consume or release the buffer.
         *
         * @return the bytes sent, or {@code -errno} (e.g. EAGAIN when the socket buffer is full,
         *     ENETUNREACH without a route, EMSGSIZE when larger than this sender's capacity)
         */
        public int send(ByteBuf ipv6) {
            int length = ipv6.readableBytes();
            if (length > packet.byteSize()) {
                return -EMSGSIZE;
            }
            if (length < IPV6_HEADER_LENGTH) {
                return -Errno.EINVAL;
            }
            int at = ipv6.readerIndex();
            packetView.clear().limit(length);
            ipv6.getBytes(at, packetView);
            MemorySegment.copy(packet, IPV6_DST_OFFSET, destination, SIN6_ADDR_OFFSET, 16);
            return (int) Libc.sendto(state, fd, packet, length, destination);
        }
    }
}
