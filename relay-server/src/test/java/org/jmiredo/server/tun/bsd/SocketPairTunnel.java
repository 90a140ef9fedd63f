package org.jmiredo.server.tun.bsd;

import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jmiredo.server.tun.linux.TunQueueOptions;

/**
 * A BSD tunnel's stand-in on Linux: two connected {@code AF_UNIX SOCK_DGRAM} sockets, which keep each write one
 * datagram as a tunnel keeps each packet one read. {@link #tunnel} is the relay's end (an {@link AfFramedQueue} on
 * an epoll loop, where the daemon's is on kqueue); {@link #peer} is the kernel's end, which the test writes
 * framed packets to and reads the relay's writes from.
 */
final class SocketPairTunnel implements AutoCloseable {
    final Socket tunnelSide;
    final Socket peer;
    private final Path dir;

    SocketPairTunnel() throws IOException {
        Epoll.ensureAvailability(); // loads Netty's native library, which makes the sockets
        dir = Files.createTempDirectory("jmbsd");
        DomainSocketAddress a = new DomainSocketAddress(dir.resolve("a").toString());
        DomainSocketAddress b = new DomainSocketAddress(dir.resolve("b").toString());
        tunnelSide = Socket.newSocketDomainDgram();
        peer = Socket.newSocketDomainDgram();
        tunnelSide.bind(a);
        peer.bind(b);
        tunnelSide.connect(b);
        peer.connect(a);
    }

    /** The relay's end as a queue of {@code flavor}, served by an epoll loop. */
    EpollFramedQueue tunnel(BsdFlavor flavor, TunQueueOptions options) {
        return new EpollFramedQueue(tunnelSide, "jmbsd0", flavor.afInet6(), options);
    }

    /** Writes one datagram: {@code family} as a 4-byte big-endian header, then {@code packet}. */
    void send(int family, byte[] packet) throws IOException {
        ByteBuffer frame = ByteBuffer.allocateDirect(AfHeader.LENGTH + packet.length);
        frame.putInt(family).put(packet).flip();
        if (peer.write(frame, 0, frame.limit()) != frame.limit()) {
            throw new IOException("short write");
        }
    }

    /** Writes raw bytes as one datagram (a truncated frame). */
    void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer frame = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        peer.write(frame, 0, frame.limit());
    }

    /** The next datagram the relay wrote, whole (header included), or null after {@code millis}. */
    byte[] receive(long millis) throws IOException, InterruptedException {
        ByteBuffer in = ByteBuffer.allocateDirect(70_000);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            int n = peer.read(in, 0, in.capacity());
            if (n > 0) {
                byte[] bytes = new byte[n];
                in.get(0, bytes);
                return bytes;
            }
            Thread.sleep(5); // polling the non-blocking socket until the datagram is there
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        peer.close();
        tunnelSide.close(); // a second close of a queue-closed fd is harmless: Netty's FileDescriptor tracks it
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** The framed queue on epoll: the kqueue handle's two methods, for an epoll loop. */
    static final class EpollFramedQueue extends AfFramedQueue implements EpollIoHandle {
        EpollFramedQueue(FileDescriptor fd, String deviceName, int afInet6, TunQueueOptions options) {
            super(fd, deviceName, afInet6, options);
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        long submitRead(IoRegistration reg) {
            return reg.submit(EpollIoOps.EPOLLIN);
        }
    }
}
