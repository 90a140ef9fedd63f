package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import org.jmiredo.server.tun.linux.TunOffloadMode;
import org.jmiredo.server.tun.linux.TunQueueOptions;
import org.junit.jupiter.api.Test;

class TransportSettingsTest {
    private static final TransportSettings DEFAULTS = TransportSettings.defaults();

    @Test
    void defaultsAreMiredosRelay() throws Exception {
        assertThat(DEFAULTS.tunName()).isEqualTo("teredo");
        assertThat(DEFAULTS.tunMtu()).isEqualTo(1280);
        assertThat(DEFAULTS.tunnelInterface("teredo").prefixText()).isEqualTo("2001::/32");
        assertThat(DEFAULTS.bindSocketAddress().getAddress()).isEqualTo(InetAddress.getByName("0.0.0.0"));
        assertThat(DEFAULTS.resolvedEventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(DEFAULTS.tunQueueOptions()).isEqualTo(new TunQueueOptions(64, TransportSettings.TUN_HEADROOM, 1280));
        assertThat(DEFAULTS.tunPersistent()).as("a device of its own").isFalse();
    }

    @Test
    void thePersistentTunFlagSurvivesTheOtherWithers() throws Exception {
        TransportSettings persistent = DEFAULTS.withPersistentTun(true)
                .withEventLoops(2)
                .withBind((Inet4Address) InetAddress.getByName("127.0.0.1"), 0)
                .withTun("t", DEFAULTS.prefix(), 32);
        assertThat(persistent.tunPersistent()).isTrue();
        assertThat(persistent.withPersistentTun(false))
                .isEqualTo(DEFAULTS.withEventLoops(2)
                        .withBind((Inet4Address) InetAddress.getByName("127.0.0.1"), 0)
                        .withTun("t", DEFAULTS.prefix(), 32));
    }

    @Test
    void aReceiveSlotHoldsAFullPathDatagramOrAGroAggregate() {
        assertThat(DEFAULTS.datagramSlotSize()).isEqualTo(1500);
        TransportSettings jumbo = new TransportSettings(
                1,
                DEFAULTS.bindAddress(),
                0,
                32,
                64,
                0,
                0,
                false,
                "t",
                9000,
                64,
                DEFAULTS.prefix(),
                32,
                false,
                TunOffloadMode.OFF,
                0,
                Duration.ZERO);
        assertThat(jumbo.datagramSlotSize()).isEqualTo(9000 + TransportSettings.TEREDO_HEADER_ROOM);
        TransportSettings gro = new TransportSettings(
                1,
                DEFAULTS.bindAddress(),
                0,
                4,
                64,
                0,
                0,
                true,
                "t",
                1280,
                64,
                DEFAULTS.prefix(),
                32,
                false,
                TunOffloadMode.OFF,
                0,
                Duration.ZERO);
        assertThat(gro.datagramSlotSize()).isEqualTo(65_535);
    }

    @Test
    void rejectsValuesTheKernelOrNettyCannotHonour() {
        Inet4Address any = DEFAULTS.bindAddress();
        assertThatThrownBy(() -> new TransportSettings(
                        257,
                        any,
                        0,
                        32,
                        64,
                        0,
                        0,
                        false,
                        "t",
                        1280,
                        64,
                        DEFAULTS.prefix(),
                        32,
                        false,
                        TunOffloadMode.OFF,
                        0,
                        Duration.ZERO))
                .hasMessageContaining("eventLoops");
        assertThatThrownBy(() -> new TransportSettings(
                        1,
                        any,
                        65_536,
                        32,
                        64,
                        0,
                        0,
                        false,
                        "t",
                        1280,
                        64,
                        DEFAULTS.prefix(),
                        32,
                        false,
                        TunOffloadMode.OFF,
                        0,
                        Duration.ZERO))
                .hasMessageContaining("bindPort");
        assertThatThrownBy(() -> new TransportSettings(
                        1,
                        any,
                        0,
                        1025,
                        64,
                        0,
                        0,
                        false,
                        "t",
                        1280,
                        64,
                        DEFAULTS.prefix(),
                        32,
                        false,
                        TunOffloadMode.OFF,
                        0,
                        Duration.ZERO))
                .hasMessageContaining("recvBatch");
        assertThatThrownBy(() -> new TransportSettings(
                        1,
                        any,
                        0,
                        32,
                        64,
                        0,
                        0,
                        false,
                        "t",
                        1200,
                        64,
                        DEFAULTS.prefix(),
                        32,
                        false,
                        TunOffloadMode.OFF,
                        0,
                        Duration.ZERO))
                .hasMessageContaining("tunMtu");
        assertThatThrownBy(() -> new TransportSettings(
                        1,
                        any,
                        0,
                        32,
                        0,
                        0,
                        0,
                        false,
                        "t",
                        1280,
                        64,
                        DEFAULTS.prefix(),
                        32,
                        false,
                        TunOffloadMode.OFF,
                        0,
                        Duration.ZERO))
                .hasMessageContaining("maxMessagesPerRead");
        assertThatThrownBy(() -> new TransportSettings(
                        1,
                        any,
                        0,
                        32,
                        64,
                        -1,
                        0,
                        false,
                        "t",
                        1280,
                        64,
                        DEFAULTS.prefix(),
                        32,
                        false,
                        TunOffloadMode.OFF,
                        0,
                        Duration.ZERO))
                .hasMessageContaining("socketReceiveBuffer");
        assertThatThrownBy(() -> new TransportSettings(
                        1,
                        any,
                        0,
                        32,
                        64,
                        0,
                        0,
                        false,
                        "t",
                        1280,
                        64,
                        DEFAULTS.prefix(),
                        32,
                        false,
                        TunOffloadMode.OFF,
                        -1,
                        Duration.ZERO))
                .hasMessageContaining("tunTxQueueLength");
        assertThatThrownBy(() -> DEFAULTS.withLocalAddressRefresh(Duration.ofSeconds(-1)))
                .hasMessageContaining("localAddressRefresh");
        assertThatThrownBy(() -> DEFAULTS.withLocalAddressRefresh(null)).hasMessageContaining("localAddressRefresh");
    }

    @Test
    void perAddressSocketsOnlyBesideAWildcardBindAndWhenNotTurnedOff() throws Exception {
        assertThat(DEFAULTS.localAddressSockets()).as("Miredo's defaults: off").isFalse();
        TransportSettings on = DEFAULTS.withLocalAddressRefresh(Duration.ofSeconds(5));
        assertThat(on.localAddressSockets()).isTrue();
        assertThat(on.withBind((Inet4Address) InetAddress.getByName("198.51.100.3"), 3544)
                        .localAddressSockets())
                .as("a specific bind address answers from itself anyway")
                .isFalse();
        assertThat(on.withEventLoops(2).withPersistentTun(true).localAddressRefresh())
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theTxQueueLengthReachesTheInterfaceSpecAndSurvivesTheWithers() throws Exception {
        assertThat(DEFAULTS.tunnelInterface("teredo").txQueueLength())
                .as("the kernel's by default")
                .isZero();
        TransportSettings longQueue = new TransportSettings(
                1,
                DEFAULTS.bindAddress(),
                0,
                32,
                64,
                0,
                0,
                false,
                "t",
                1280,
                64,
                DEFAULTS.prefix(),
                32,
                false,
                TunOffloadMode.OFF,
                4096,
                Duration.ZERO);
        assertThat(longQueue
                        .withPersistentTun(true)
                        .withEventLoops(2)
                        .withTun("t2", DEFAULTS.prefix(), 32)
                        .withBind((Inet4Address) InetAddress.getByName("127.0.0.1"), 0)
                        .tunnelInterface("t2")
                        .txQueueLength())
                .isEqualTo(4096);
    }
}
