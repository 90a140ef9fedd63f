package org.jmiredo.engine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.engine.server.Packets.v6;

import org.jmiredo.proto.Ipv6Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The global-scope test behind R-5.3.1-nonglobal, and where it differs from Miredo's (M6). */
class Ipv6ScopeTest {

    @ParameterizedTest(name = "{0}: global={1}")
    @CsvSource({
        "::, false",
        "::1, false",
        "::10.0.0.1, false", // IPv4-compatible, deprecated
        "fe80::1, false",
        "febf:ffff::1, false", // still fe80::/10
        "fec0::1, false", // site-local (Miredo would forward it, M6)
        "ff02::2, false",
        "ff0e::1, false", // global-scope multicast: still not routed by a server
        "2001:db8:6::20, true",
        "2001:0:c633:6401::1, true",
        "fc00::1, true", // ULA has global scope (RFC 4193 §3), as Miredo
        "fd12:3456::1, true",
        "::1:0:0:0, true", // ::/8 outside the two /96s
        "100::1, true",
        "64:ff9b::192.0.2.1, true",
        "ff00::, false",
    })
    void scope(String address, boolean global) {
        long[] a = v6(address);
        assertThat(Ipv6Scope.isGlobal(a[0], a[1])).isEqualTo(global);
    }

    /** ::ffff:192.0.2.1 (InetAddress would turn the literal into an Inet4Address, so as longs). */
    @Test
    void ipv4MappedIsNotGlobal() {
        assertThat(Ipv6Scope.isGlobal(0, 0x0000_FFFF_C000_0201L)).isFalse();
        assertThat(Ipv6Scope.isGlobal(0, 0x0001_FFFF_C000_0201L)).isTrue();
    }
}
