package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.jmiredo.server.tun.bsd.BsdFlavor;
import org.jmiredo.server.tun.linux.TunOffloadMode;
import org.junit.jupiter.api.Test;

/** Which tunnel and transport each OS gets, and what the BSDs refuse. */
class TunnelPlatformTest {
    private static final Throwable NO_LIBRARY =
            new UnsatisfiedLinkError("no netty_transport_native in java.library.path");

    private static TunnelPlatform host(String os, boolean epoll, boolean kqueue) throws TransportException {
        return TunnelPlatform.forHost(os, epoll, kqueue, NO_LIBRARY, NO_LIBRARY);
    }

    @Test
    void linuxGetsEpollAndItsOwnTun() throws Exception {
        TunnelPlatform linux = host("Linux", true, false);

        assertThat(linux.kind()).isEqualTo(TransportKind.EPOLL);
        assertThat(linux.bsd()).isEmpty();
        assertThat(TunnelPlatform.current()).as("this host").isEqualTo(linux);
    }

    @Test
    void theBsdsAndMacOsGetKqueueAndTheirTunnel() throws Exception {
        assertThat(host("FreeBSD", false, true))
                .isEqualTo(new TunnelPlatform(TransportKind.KQUEUE, Optional.of(BsdFlavor.FREEBSD)));
        assertThat(host("Mac OS X", false, true).bsd()).contains(BsdFlavor.DARWIN);
        assertThat(host("OpenBSD", false, true).kind()).isEqualTo(TransportKind.KQUEUE);
    }

    @Test
    void aBsdWithoutKqueueIsRefusedWithTheReason() {
        assertThatThrownBy(() -> host("NetBSD", false, false))
                .isInstanceOf(TransportException.class)
                .hasMessage("the relay's tunnel on NetBSD needs Netty's kqueue transport; it is unavailable: "
                        + NO_LIBRARY.getMessage());
    }

    @Test
    void anotherSystemIsRefusedNamingWhatIsBuilt() {
        assertThatThrownBy(() -> host("Windows 11", false, false))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("built for Linux (epoll")
                .hasMessageContaining("macOS (kqueue)")
                .hasMessageContaining("on Windows 11 epoll is unavailable");
    }

    @Test
    void linuxSettingsAreLeftAsTheyAre() throws Exception {
        TransportSettings settings =
                TransportSettings.defaults().withEventLoops(4).withPersistentTun(true);

        assertThat(host("Linux", true, false).fit(settings)).isSameAs(settings);
    }

    /** One tunnel queue: one per processor (0) becomes one loop, and 1 stays 1. */
    @Test
    void aBsdRunsOneEventLoop() throws Exception {
        TunnelPlatform freeBsd = host("FreeBSD", false, true);

        assertThat(freeBsd.fit(TransportSettings.defaults()).resolvedEventLoops())
                .isEqualTo(1);
        assertThat(freeBsd.fit(TransportSettings.defaults().withEventLoops(1)).eventLoops())
                .isEqualTo(1);
    }

    @Test
    void aBsdRefusesMoreLoopsThanItsTunnelHasQueues() {
        assertThatThrownBy(() -> host("FreeBSD", false, true)
                        .fit(TransportSettings.defaults().withEventLoops(4)))
                .isInstanceOf(TransportException.class)
                .hasMessage("jmiredo.transport.event-loops = 4: on FreeBSD the tunnel has a single queue, so the relay"
                        + " runs one event loop; set it to 1 or 0");
    }

    @Test
    void aBsdRefusesWhatOnlyLinuxHas() throws Exception {
        TunnelPlatform mac = host("Mac OS X", false, true);
        TransportSettings offloads = new TransportSettings(
                0,
                TransportSettings.defaults().bindAddress(),
                0,
                32,
                64,
                0,
                0,
                false,
                "teredo",
                1280,
                64,
                TransportSettings.defaults().prefix(),
                32,
                false,
                TunOffloadMode.ON,
                0,
                java.time.Duration.ZERO);

        assertThatThrownBy(() -> mac.fit(TransportSettings.defaults().withPersistentTun(true)))
                .hasMessageContaining("jmiredo.tun.persistent is built for Linux only; on macOS");
        assertThatThrownBy(() -> mac.fit(offloads)).hasMessageContaining("jmiredo.tun.offload = on");
    }

    /** The server's raw socket: a clear refusal on a BSD, nothing on Linux. */
    @Test
    void whatIsBuiltForLinuxOnlyIsRefusedOnABsd() throws Exception {
        String raw = "jmiredo.server.native-forwarding (a raw IPv6 socket)";
        TunnelPlatform.requireLinux(Optional.empty(), raw);

        assertThatThrownBy(() -> TunnelPlatform.requireLinux(Optional.of(BsdFlavor.OPENBSD), raw))
                .isInstanceOf(TransportException.class)
                .hasMessage(raw + " is built for Linux only; on OpenBSD jmiredo runs the relay, the client, mire, and "
                        + "the server with jmiredo.server.native-forwarding = false");
    }
}
