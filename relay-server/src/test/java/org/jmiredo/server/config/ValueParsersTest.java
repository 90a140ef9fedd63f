package org.jmiredo.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jmiredo.proto.Ipv4;
import org.junit.jupiter.api.Test;

class ValueParsersTest {
    @Property
    void ipv4RoundTrips(@ForAll int address) {
        assertThat(ValueParsers.ipv4(Ipv4.toString(address))).isEqualTo(address);
    }

    @Property
    void prefixRoundTrips(
            @ForAll @IntRange(min = 1, max = 0xFEFF) int hi, @ForAll @IntRange(min = 0, max = 0xFFFF) int lo) {
        int prefix = hi << 16 | lo;
        assertThat(ValueParsers.teredoPrefix(ValueParsers.formatPrefix(prefix))).isEqualTo(prefix);
    }

    @Property
    void hostPortRoundTrips(@ForAll @IntRange(min = 0, max = 65_535) int port) {
        assertThat(HostPort.parse(new HostPort("::1", port).toString())).isEqualTo(new HostPort("::1", port));
        assertThat(HostPort.parse("0.0.0.0:" + port)).isEqualTo(new HostPort("0.0.0.0", port));
    }

    @Test
    void ipv4RefusesAmbiguousForms() {
        for (String bad : new String[] {
            "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "1..3.4", "a.b.c.d", "1.2.3.4 ", "0x1.2.3.4"
        }) {
            assertThatThrownBy(() -> ValueParsers.ipv4(bad.strip().equals(bad) ? bad : bad + "x"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void bindAddressFollowsRfc4380GlobalRules() {
        assertThat(ValueParsers.bindAddress("0.0.0.0")).isZero();
        assertThat(ValueParsers.bindAddress("203.0.113.9")).isEqualTo(Ipv4.of(203, 0, 113, 9));
        for (String bad : new String[] {
            "127.0.0.1",
            "10.0.0.1",
            "172.16.0.1",
            "192.168.0.1",
            "169.254.1.1",
            "192.88.99.1",
            "224.0.0.1",
            "255.255.255.255"
        }) {
            assertThatThrownBy(() -> ValueParsers.bindAddress(bad)).as(bad).hasMessageContaining("global unicast");
        }
    }

    @Test
    void interfaceNamesFollowTheKernel() {
        assertThat(ValueParsers.interfaceName("teredo")).isEqualTo("teredo");
        assertThat(ValueParsers.interfaceName("a23456789012345")).hasSize(15);
        for (String bad : new String[] {"", "a234567890123456", ".", "..", "a b", "a:b", "a/b", "tér"}) {
            assertThatThrownBy(() -> ValueParsers.interfaceName(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void prefixForms() {
        assertThat(ValueParsers.teredoPrefix("2001::/32")).isEqualTo(0x2001_0000);
        assertThat(ValueParsers.teredoPrefix("2001:0000::")).isEqualTo(0x2001_0000);
        assertThat(ValueParsers.teredoPrefix("3ffe:831f::/32")).isEqualTo(0x3FFE_831F);
        assertThat(ValueParsers.formatPrefix(0x3FFE_831F)).isEqualTo("3ffe:831f::/32");
        assertThatThrownBy(() -> ValueParsers.teredoPrefix("::/32")).hasMessageContaining("zero");
        assertThatThrownBy(() -> ValueParsers.teredoPrefix("10.0.0.0/32")).hasMessageContaining("IPv6 prefix");
        assertThatThrownBy(() -> ValueParsers.teredoPrefix("teredo.example/32")).hasMessageContaining("IPv6 prefix");
    }

    @Test
    void hostPortNeedsBracketsForIpv6() {
        assertThat(HostPort.parse("[::]:9544")).isEqualTo(new HostPort("::", 9544));
        assertThatThrownBy(() -> HostPort.parse("::1:9544")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> HostPort.parse(":9544")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> HostPort.parse("host:")).hasMessageContaining("HOST:PORT");
    }

    @Test
    void aBoundSocketsAddressReadsAsHostPortWithoutTheLeadingSlash() throws Exception {
        assertThat(HostPort.of(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 3544)))
                .hasToString("0.0.0.0:3544");
        assertThat(HostPort.of(new InetSocketAddress(InetAddress.getByName("::1"), 9544)))
                .hasToString("[0:0:0:0:0:0:0:1]:9544");
        assertThat(HostPort.of(InetSocketAddress.createUnresolved("relay.example", 3544)))
                .hasToString("relay.example:3544");
    }
}
