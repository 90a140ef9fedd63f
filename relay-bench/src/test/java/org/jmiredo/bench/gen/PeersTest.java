package org.jmiredo.bench.gen;

import static org.assertj.core.api.Assertions.assertThat;

import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.TeredoAddress;
import org.junit.jupiter.api.Test;

class PeersTest {
    final Peers peers = new Peers(1_000_000, Ipv4.of(198, 51, 100, 1), Ipv4.of(203, 0, 113, 16));

    @Test
    void mappingAndTeredoAddressLeadBackToThePeer() {
        for (int i : new int[] {0, 1, 63_999, 64_000, 500_000, 999_999}) {
            assertThat(peers.index(peers.ipv4(i), peers.port(i))).isEqualTo(i);
            assertThat(peers.indexOf(peers.hi, peers.lo(i))).isEqualTo(i);
            assertThat(TeredoAddress.serverIpv4(peers.hi)).isEqualTo(Ipv4.of(198, 51, 100, 1));
        }
        assertThat(peers.addresses()).isEqualTo(16);
        assertThat(peers.ipv4(999_999)).isEqualTo(Ipv4.of(203, 0, 113, 31));
    }

    @Test
    void addressesOutsideThePopulationAreNotPeers() {
        assertThat(peers.index(Ipv4.of(203, 0, 113, 15), 2000)).isEqualTo(-1);
        assertThat(peers.index(Ipv4.of(203, 0, 113, 16), 1023)).isEqualTo(-1);
        assertThat(peers.index(Ipv4.of(203, 0, 113, 16), 65_024)).isEqualTo(-1);
        assertThat(peers.index(Ipv4.of(203, 0, 113, 31), 1024 + 40_000)).isEqualTo(-1); // beyond 1,000,000
        assertThat(peers.indexOf(peers.hi + 1, peers.lo(5))).isEqualTo(-1);
    }
}
