package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TunnelInterfaceSpecTest {
    @Test
    void relayGetsMiredosLinkLocalAndTheTeredoRoute() {
        TunnelInterfaceSpec spec = TunnelInterfaceSpec.relay(
                "teredo", 1280, TunnelInterfaceSpec.TEREDO_PREFIX, TunnelInterfaceSpec.TEREDO_PREFIX_LENGTH);
        assertThat(spec.linkLocalText()).isEqualTo("fe80::ffff:ffff:ffff/64");
        assertThat(spec.prefixText()).isEqualTo("2001::/32");
        assertThat(spec.mtu()).isEqualTo(1280);
    }

    @Test
    void rejectsWhatTheKernelWouldRefuseOrMisroute() {
        assertThatThrownBy(() -> TunnelInterfaceSpec.relay("t", 1279, TunnelInterfaceSpec.TEREDO_PREFIX, 32))
                .hasMessageContaining("MTU");
        assertThatThrownBy(() -> TunnelInterfaceSpec.relay("t", 1280, TunnelInterfaceSpec.v6("2001:db8::1"), 32))
                .hasMessageContaining("2001:db8::1/32 has bits set beyond its length");
        assertThatThrownBy(() -> TunnelInterfaceSpec.relay("t", 1280, TunnelInterfaceSpec.TEREDO_PREFIX, 0))
                .hasMessageContaining("prefix length");
        assertThatThrownBy(() -> new TunnelInterfaceSpec(
                        "t", 1280, TunnelInterfaceSpec.v6("2001:db8::1"), TunnelInterfaceSpec.TEREDO_PREFIX, 32, 0))
                .hasMessageContaining("not a link-local");
        assertThatThrownBy(() -> TunnelInterfaceSpec.relay("t", 1280, TunnelInterfaceSpec.TEREDO_PREFIX, 32)
                        .withTxQueueLength(-1))
                .hasMessageContaining("tx queue length");
    }
}
