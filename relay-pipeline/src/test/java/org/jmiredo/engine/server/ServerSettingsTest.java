package org.jmiredo.engine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jmiredo.engine.server.Packets.ipv4;

import org.jmiredo.proto.Teredo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The settings record: Miredo's defaults and the refusals the daemon relies on to refuse to start. */
class ServerSettingsTest {

    /** R-5.3-listen: the secondary address defaults to the primary plus one, as Miredo assumes. */
    @Test
    void defaultsFollowMiredo() {
        ServerSettings s = ServerSettings.defaults(ipv4("198.51.100.1"));

        assertThat(s.secondaryIpv4()).isEqualTo(ipv4("198.51.100.2"));
        assertThat(s.prefix()).isEqualTo(Teredo.PREFIX);
        assertThat(s.advertisedMtu()).as("R-5.1.2-mtu").isEqualTo(1280);
        assertThat(s.maxIcmpPayload()).as("M1").isEqualTo(88);
        assertThat(s.raPerSecond()).as("Miredo does not limit RAs").isZero();
        assertThat(s.nativeForwarding()).isTrue();
        assertThat(s.ipv4(ServerEndpoint.PRIMARY)).isEqualTo(ipv4("198.51.100.1"));
        assertThat(s.ipv4(ServerEndpoint.SECONDARY)).isEqualTo(ipv4("198.51.100.2"));
        assertThat(s.withRaPerSecond(50).raPerSecond()).isEqualTo(50);
        assertThat(s.raPerDestination()).as("nor per destination").isZero();
        ServerSettings limited = s.withRaPerDestination(20, 1024).withRaPerSecond(7);
        assertThat(limited.raPerDestination()).isEqualTo(20);
        assertThat(limited.raDestinationSlots()).isEqualTo(1024);
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(
            strings = {"10.0.0.1", "127.0.0.1", "192.168.1.1", "224.0.0.1", "0.0.0.0", "169.254.0.1", "192.88.99.1"})
    void nonGlobalAddressesAreRefused(String address) {
        assertThatThrownBy(() -> ServerSettings.defaults(ipv4(address), ipv4("198.51.100.2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("primary");
        assertThatThrownBy(() -> ServerSettings.defaults(ipv4("198.51.100.1"), ipv4(address)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secondary");
    }

    @Test
    void primaryPlusOneMayLeaveGlobalSpaceAndIsThenRefused() {
        // 223.255.255.255 + 1 = 224.0.0.0, multicast: the default secondary cannot be used.
        assertThatThrownBy(() -> ServerSettings.defaults(ipv4("223.255.255.255")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secondary");
    }

    @Test
    void otherFieldsAreChecked() {
        int p = ipv4("198.51.100.1");
        int s = ipv4("198.51.100.2");
        assertThatThrownBy(() -> ServerSettings.defaults(p, p)).hasMessageContaining("differ");
        assertThatThrownBy(() -> new ServerSettings(p, s, 0xFF02_0000, 1280, 88, 64, 0, true))
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> new ServerSettings(p, s, 0, 1280, 88, 64, 0, true))
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> new ServerSettings(p, s, Teredo.PREFIX, 1279, 88, 64, 0, true))
                .hasMessageContaining("MTU");
        assertThatThrownBy(() -> new ServerSettings(p, s, Teredo.PREFIX, 65536, 88, 64, 0, true))
                .hasMessageContaining("MTU");
        assertThatThrownBy(() -> new ServerSettings(p, s, Teredo.PREFIX, 1280, -1, 64, 0, true))
                .hasMessageContaining("maxIcmpPayload");
        assertThatThrownBy(() -> new ServerSettings(p, s, Teredo.PREFIX, 1280, 88, 2000, 0, true))
                .hasMessageContaining("maxTrailerLength");
        assertThatThrownBy(() -> new ServerSettings(p, s, Teredo.PREFIX, 1280, 88, 64, -1, true))
                .hasMessageContaining("raPerSecond");
        assertThat(new ServerSettings(p, s, Teredo.PREFIX, 0, 0, 0, 0, false).advertisedMtu())
                .as("0: no MTU option")
                .isZero();
        ServerSettings d = ServerSettings.defaults(p, s);
        assertThatThrownBy(() -> d.withRaPerDestination(-1, 1024)).hasMessageContaining("raPerDestination");
        assertThatThrownBy(() -> d.withRaPerDestination(5, 1000)).hasMessageContaining("raDestinationSlots");
        assertThatThrownBy(() -> d.withRaPerDestination(5, 1)).hasMessageContaining("raDestinationSlots");
    }

    @Test
    void endpointsAreEachOthersOther() {
        assertThat(ServerEndpoint.PRIMARY.other()).isEqualTo(ServerEndpoint.SECONDARY);
        assertThat(ServerEndpoint.SECONDARY.other()).isEqualTo(ServerEndpoint.PRIMARY);
    }
}
