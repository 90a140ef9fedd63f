package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Teredo address layout of RFC 4380 §4 against the known answers of CONFORMANCE §10.1. */
class TeredoAddressTest {

    /** R-4-layout, R-4-obfuscate: RFC 6081 Figure 2 and the lab address (flags 0). */
    @ParameterizedTest(name = "server {0}, mapped {1}:{2} -> {3}")
    @CsvSource({
        "203.0.113.120, 192.0.2.1, 4096, 2001:0:cb00:7178:0:efff:3fff:fdfe",
        "198.51.100.118, 192.0.2.10, 8192, 2001:0:c633:6476:0:dfff:3fff:fdf5",
        "198.51.100.1, 198.51.100.20, 40000, 2001:0:c633:6401:0:63bf:39cc:9beb",
    })
    void knownAnswers(String server, String mapped, int port, String address) {
        long hi = TeredoAddress.hi(Teredo.PREFIX, Hex.ipv4(server));
        long lo = TeredoAddress.lo(0, port, Hex.ipv4(mapped));

        assertThat(hi).isEqualTo(Hex.hi(address));
        assertThat(lo).isEqualTo(Hex.lo(address));
        assertThat(TeredoAddress.toInet6(hi, lo)).isEqualTo(Hex.ip(address));
        // and back: the accessors de-obfuscate (R-4-obfuscate)
        long parsedHi = Hex.hi(address);
        long parsedLo = Hex.lo(address);
        assertThat(TeredoAddress.isTeredo(parsedHi, Teredo.PREFIX)).isTrue();
        assertThat(Ipv4.toString(TeredoAddress.serverIpv4(parsedHi))).isEqualTo(server);
        assertThat(Ipv4.toString(TeredoAddress.mappedIpv4(parsedLo))).isEqualTo(mapped);
        assertThat(TeredoAddress.mappedPort(parsedLo)).isEqualTo(port);
        assertThat(TeredoAddress.flags(parsedLo)).isZero();
    }

    /** CONFORMANCE "useful encodings" and §10.1: the server link-local form, flags 0x8000, port 3544. */
    @Test
    void serverLinkLocal() {
        long lo = TeredoAddress.lo(Teredo.FLAG_CONE, Teredo.SERVICE_PORT, Hex.ipv4("198.51.100.1"));
        assertThat(TeredoAddress.toInet6(Ipv6.LINK_LOCAL_HI, lo)).isEqualTo(Hex.ip("fe80::8000:f227:39cc:9bfe"));
        assertThat(RouterAdvertisement.serverLinkLocalLo(Hex.ipv4("198.51.100.1")))
                .isEqualTo(lo);
    }

    @ParameterizedTest(name = "embedded {0} -> {1}")
    @CsvSource({"10.0.0.1, f5fffffe", "127.0.0.1, 80fffffe", "192.168.77.2, 3f57b2fd", "198.51.100.20, 39cc9beb"})
    void embeddedIpv4Encodings(String ipv4, String hex) {
        assertThat((int) TeredoAddress.lo(0, 0, Hex.ipv4(ipv4))).isEqualTo(Integer.parseUnsignedInt(hex, 16));
    }

    /** R-4-zbits: all the RFC 5991 random bits set do not disturb the other fields. */
    @Test
    void randomFlagBitsLeaveMappingAlone() {
        long lo = TeredoAddress.lo(Teredo.FLAG_RANDOM, 40000, Hex.ipv4("198.51.100.20"));
        assertThat(TeredoAddress.flags(lo)).isEqualTo(0x3CFF);
        assertThat(TeredoAddress.mappedPort(lo)).isEqualTo(40000);
        assertThat(TeredoAddress.mappedIpv4(lo)).isEqualTo(Hex.ipv4("198.51.100.20"));
    }

    /** Regression: ::ffff:0:0/96 used to come back from InetAddress.getByAddress as an Inet4Address. */
    @Test
    void ipv4MappedRangeStaysIpv6() {
        long lo = 0x0000_FFFF_0102_0304L;
        Inet6Address address = TeredoAddress.toInet6(0, lo);
        assertThat(TeredoAddress.hiOf(address)).isZero();
        assertThat(TeredoAddress.loOf(address)).isEqualTo(lo);
    }

    @Property
    void componentsRoundTrip(
            @ForAll int prefix,
            @ForAll int server,
            @ForAll @IntRange(max = 0xFFFF) int flags,
            @ForAll @IntRange(max = 0xFFFF) int port,
            @ForAll int mapped) {
        long hi = TeredoAddress.hi(prefix, server);
        long lo = TeredoAddress.lo(flags, port, mapped);
        assertThat(TeredoAddress.prefix(hi)).isEqualTo(prefix);
        assertThat(TeredoAddress.serverIpv4(hi)).isEqualTo(server);
        assertThat(TeredoAddress.flags(lo)).isEqualTo(flags);
        assertThat(TeredoAddress.mappedPort(lo)).isEqualTo(port);
        assertThat(TeredoAddress.mappedIpv4(lo)).isEqualTo(mapped);
    }

    @Property
    void longsRoundTripThroughInet6Address(@ForAll long hi, @ForAll long lo) {
        Inet6Address address = TeredoAddress.toInet6(hi, lo);
        assertThat(TeredoAddress.hiOf(address)).isEqualTo(hi);
        assertThat(TeredoAddress.loOf(address)).isEqualTo(lo);
        assertThat(Hex.ip(TeredoAddress.toString(hi, lo))).isEqualTo(address);
        assertThat(TeredoAddress.hi(TeredoAddress.prefix(hi), TeredoAddress.serverIpv4(hi)))
                .isEqualTo(hi);
        assertThat(TeredoAddress.lo(
                        TeredoAddress.flags(lo), TeredoAddress.mappedPort(lo), TeredoAddress.mappedIpv4(lo)))
                .isEqualTo(lo);
    }
}
