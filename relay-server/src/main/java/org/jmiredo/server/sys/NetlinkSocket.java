package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A blocking NETLINK_ROUTE socket (rtnetlink(7)): whole messages in and out, the protocol is the caller's.
 * Only the tunnel's set-up and undo use it, so nothing here is on a hot path.
 *
 * <p>It asks the kernel for capped acknowledgements (NETLINK_CAP_ACK, Linux 4.3: an error echoes only the
 * request's header) and extended ones (NETLINK_EXT_ACK, Linux 4.12: an error may carry the kernel's own
 * message, e.g. "ipv6: address already assigned"). An older kernel refuses the option, which is let pass: its
 * replies have the older form, which the caller reads too.
 *
 * <p>A netlink socket acts in the network namespace it was created in, whichever thread uses it later:
 * {@link #openRouteIn} creates it on a thread that entered another namespace, then lets that thread end.
 */
public final class NetlinkSocket implements AutoCloseable {
    /** linux/socket.h, linux/netlink.h. */
    static final int AF_NETLINK = 16;

    static final int NETLINK_ROUTE = 0;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    /** asm-generic/socket.h (x86-64 and arm64): the old 64-bit struct timeval form. */
    static final int SOL_SOCKET = 1;

    static final int SO_RCVTIMEO = 20;
    /** MSG_TRUNC on recv: return the datagram's real length, so a short buffer is noticed. */
    static final int MSG_TRUNC = 0x20;
    /** linux/sched.h. */
    static final int CLONE_NEWNET = 0x40000000;

    /** The kernel always answers a request; this bounds a wait that would otherwise hang start-up. */
    public static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(5);

    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** Opens a socket in this thread's network namespace. */
    public static NetlinkSocket openRoute() throws NativeException {
        int fd = Libc.socket(AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw new NativeException("cannot open a netlink socket", "socket AF_NETLINK NETLINK_ROUTE", -fd);
        }
        NetlinkSocket socket = new NetlinkSocket(fd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment on = arena.allocateFrom(JAVA_INT, 1);
            Libc.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, on); // optional, see the class comment
            Libc.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, on);
            MemorySegment timeval = arena.allocate(16, 8);
            timeval.set(JAVA_LONG, 0, RECEIVE_TIMEOUT.toSeconds());
            int result = Libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval);
            if (result < 0) {
                socket.close();
                throw new NativeException("cannot set a receive timeout", "setsockopt SO_RCVTIMEO", -result);
            }
        }
        return socket;
    }

    /**
     * Opens a socket in the network namespace bound at {@code netns} (e.g. /var/run/netns/NAME, as
     * {@code ip netns add} makes): on a new platform thread that enters it (setns(2) moves only the calling
     * thread) and ends, so no thread of this process stays in it.
     */
    public static NetlinkSocket openRouteIn(Path netns) throws NativeException {
        NetlinkSocket[] opened = new NetlinkSocket[1];
        NativeException[] failed = new NativeException[1];
        Thread thread = Thread.ofPlatform().name("netns-open").start(() -> {
            try {
                enter(netns);
                opened[0] = openRoute();
            } catch (NativeException e) {
                failed[0] = e;
            }
        });
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NativeException("interrupted", "setns " + netns, Errno.EINTR);
        }
        if (failed[0] != null) {
            throw failed[0];
        }
        return opened[0];
    }

    /** Moves the calling thread (only it) into the namespace bound at {@code netns}; tests' InNetns uses it too. */
    static void enter(Path netns) throws NativeException {
        int nsFd = Libc.open(netns.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (nsFd < 0) {
            throw new NativeException("no such network namespace", "open " + netns, -nsFd);
        }
        int result = Libc.setns(nsFd, CLONE_NEWNET);
        Libc.close(nsFd);
        if (result < 0) {
            throw new NativeException("cannot enter the network namespace", "setns " + netns, -result);
        }
    }

    /**
     * Sends the bytes from {@code message}'s position to its limit (a direct buffer) as one datagram to the
     * kernel; the position is left alone.
     */
    public void send(ByteBuffer message) throws NativeException {
        long sent = Libc.send(fd, MemorySegment.ofBuffer(message), 0);
        if (sent < 0) {
            throw new NativeException("cannot send to the kernel", "send netlink", (int) -sent);
        }
    }

    /**
     * Receives one datagram (one or more netlink messages) into {@code buffer} (direct), from position 0; the
     * limit is set to its length.
     *
     * @throws NativeException EAGAIN after {@link #RECEIVE_TIMEOUT} without an answer; EMSGSIZE if the
     *     datagram did not fit
     */
    public void receive(ByteBuffer buffer) throws NativeException {
        buffer.clear();
        long length;
        do {
            length = Libc.recv(fd, MemorySegment.ofBuffer(buffer), MSG_TRUNC);
        } while (length == -Errno.EINTR);
        if (length < 0) {
            throw new NativeException(
                    length == -Errno.EAGAIN
                            ? "no answer from the kernel within " + RECEIVE_TIMEOUT.toSeconds() + " s"
                            : "cannot receive from the kernel",
                    "recv netlink",
                    (int) -length);
        }
        if (length > buffer.capacity()) {
            throw new NativeException(
                    "a " + length + "-byte netlink reply does not fit in " + buffer.capacity() + " bytes",
                    "recv netlink",
                    Errno.EMSGSIZE);
        }
        buffer.limit((int) length);
    }

    /** Closes the fd. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Libc.close(fd);
        }
    }
}
