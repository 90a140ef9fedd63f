package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Real sockets: the sizes asked for, what the kernel gave, and the warning when it gave less. */
class SocketBuffersTest {
    private final Logger log = (Logger) LoggerFactory.getLogger(SocketBuffers.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void capture() {
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void release() {
        log.detachAppender(logged);
    }

    @Test
    void withNetAdminTheForceOptionsPassTheSysctlCap() throws Exception {
        Privileges.assumeNetAdmin();
        int receive = sysctl("rmem_max") + (1 << 20);
        int send = sysctl("wmem_max") + (2 << 20);
        try (UdpLoops loops = UdpLoops.start(settings(receive, send).withEventLoops(2))) {
            List<Channel> channels = loops.bindOnEveryLoop(new InetSocketAddress("127.0.0.1", 0), (c, i) -> {});

            assertThat(channels).hasSize(2);
            assertThat(loops.socketBuffers().receiveBufferBytes()).isEqualTo(receive);
            assertThat(loops.socketBuffers().sendBufferBytes()).isEqualTo(send);
            assertThat(warnings()).isEmpty();
        }
    }

    @Test
    void aSizeAboveTheCapWithoutTheForceOptionIsCappedReportedAndWarnedOnce() throws Exception {
        int cap = sysctl("rmem_max");
        // NIO has no raw socket options, so it cannot force: the kernel caps the plain SO_RCVBUF.
        SocketBuffers buffers = new SocketBuffers(TransportKind.NIO, settings(cap + (1 << 20), 0));
        NioDatagramChannel first = new NioDatagramChannel();
        NioDatagramChannel second = new NioDatagramChannel();
        try {
            buffers.apply(first);
            buffers.apply(second);

            assertThat(buffers.receiveBufferBytes()).isEqualTo(cap);
            assertThat(buffers.sendBufferBytes())
                    .as("0 keeps the kernel default")
                    .isPositive();
            assertThat(warnings()).singleElement().satisfies(w -> assertThat(w)
                    .contains(
                            "receive buffer",
                            "asked for " + (cap + (1 << 20)),
                            "the kernel gave " + cap,
                            "net.core.rmem_max = " + cap,
                            "CAP_NET_ADMIN"));
        } finally {
            first.unsafe().closeForcibly();
            second.unsafe().closeForcibly();
        }
    }

    @Test
    void aSizeTheKernelGrantsIsNotWarnedAbout() throws IOException {
        // 256 KiB, or the host's caps where they are lower (a stock kernel's are 212,992 bytes)
        int receive = Math.min(256 << 10, sysctl("rmem_max"));
        int send = Math.min(256 << 10, sysctl("wmem_max"));
        SocketBuffers buffers = new SocketBuffers(TransportKind.NIO, settings(receive, send));
        NioDatagramChannel channel = new NioDatagramChannel();
        try {
            buffers.apply(channel);

            assertThat(buffers.receiveBufferBytes()).isEqualTo(receive);
            assertThat(buffers.sendBufferBytes()).isEqualTo(send);
            assertThat(warnings()).isEmpty();
        } finally {
            channel.unsafe().closeForcibly();
        }
    }

    private List<String> warnings() {
        return logged.list.stream()
                .filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private static TransportSettings settings(int receive, int send) {
        TransportSettings d = TransportSettings.defaults();
        return new TransportSettings(
                1,
                d.bindAddress(),
                0,
                d.recvBatch(),
                d.maxMessagesPerRead(),
                receive,
                send,
                false,
                d.tunName(),
                d.tunMtu(),
                d.tunReadBudget(),
                d.prefix(),
                d.prefixLength(),
                false,
                d.tunOffload(),
                d.tunTxQueueLength(),
                d.localAddressRefresh());
    }

    private static int sysctl(String name) throws IOException {
        // readAllLines: Files.readString trusts the size procfs reports and returns a truncated value.
        return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core", name))
                .getFirst()
                .trim());
    }
}
