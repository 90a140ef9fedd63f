package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Ipv6TextTest {
    @Test
    void compressesTheLongestZeroRunAsRfc5952() {
        assertThat(format("2001:0:0:0:0:0:0:0")).isEqualTo("2001::");
        assertThat(format("fe80:0:0:0:0:ffff:ffff:ffff")).isEqualTo("fe80::ffff:ffff:ffff");
        assertThat(format("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(format("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(format("1:0:0:0:0:0:0:0")).isEqualTo("1::");
        // a single zero word is not shortened (RFC 5952 §4.2.2); the first of two equal runs is (§4.2.3)
        assertThat(format("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(format("2001:0:0:1:0:0:1:1")).isEqualTo("2001::1:0:0:1:1");
        assertThat(format("2001:db8:0:0:1:0:0:0")).isEqualTo("2001:db8:0:0:1::");
    }

    @Test
    void hostBitsBeyondThePrefixAreDetected() {
        byte[] teredo = TunnelInterfaceSpec.v6("2001::").getAddress();
        assertThat(Ipv6Text.hostBitsZero(teredo, 32)).isTrue();
        assertThat(Ipv6Text.hostBitsZero(teredo, 16)).isTrue();
        assertThat(Ipv6Text.hostBitsZero(teredo, 15)).isFalse(); // the low bit of 0x2001
        byte[] db8 = TunnelInterfaceSpec.v6("2001:db8:1::").getAddress();
        assertThat(Ipv6Text.hostBitsZero(db8, 48)).isTrue();
        assertThat(Ipv6Text.hostBitsZero(db8, 32)).isFalse();
    }

    private static String format(String text) {
        return Ipv6Text.format(TunnelInterfaceSpec.v6(text));
    }
}
