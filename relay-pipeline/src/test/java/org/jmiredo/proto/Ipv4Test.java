package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * R-5.2.4-g4def (and R-5.4.1-g4): the global unicast predicate at every boundary of CONFORMANCE §10.6.
 * 192.88.99.0/24 is not global, unlike Miredo's mistyped mask (M26).
 */
class Ipv4Test {

    @ParameterizedTest(name = "{0} global={1}")
    @CsvSource({
        "9.255.255.255, true",
        "10.0.0.0, false",
        "10.255.255.255, false",
        "11.0.0.0, true",
        "126.255.255.255, true",
        "127.0.0.1, false",
        "128.0.0.0, true",
        "169.253.255.255, true",
        "169.254.0.1, false",
        "169.255.0.0, true",
        "172.15.255.255, true",
        "172.16.0.0, false",
        "172.31.255.255, false",
        "172.32.0.0, true",
        "192.88.98.255, true",
        "192.88.99.1, false",
        "192.88.100.0, true",
        "192.167.255.255, true",
        "192.168.0.0, false",
        "192.169.0.0, true",
        "223.255.255.255, true",
        "224.0.0.1, false",
        "239.255.255.255, false",
        "240.0.0.1, true",
        "255.255.255.254, true",
        "255.255.255.255, false",
        "0.0.0.0, false",
        "0.255.255.255, false",
        // CONFORMANCE §10.6: shared, benchmarking and TEST-NET ranges count as global
        "100.64.0.1, true",
        "198.18.0.1, true",
        "192.0.2.1, true",
        "198.51.100.20, true",
        "203.0.113.1, true",
        "192.88.99.0, false",
        "192.88.99.255, false",
    })
    void boundaryTable(String address, boolean global) {
        assertThat(Ipv4.isGlobalUnicast(Hex.ipv4(address))).isEqualTo(global);
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0", "1.2.3.4", "198.51.100.255", "255.255.255.255"})
    void textAndBytesRoundTrip(String address) {
        int ip = Hex.ipv4(address);
        assertThat(Ipv4.toString(ip)).isEqualTo(address);
        assertThat(Ipv4.of(Ipv4.toBytes(ip))).isEqualTo(ip);
    }
}
