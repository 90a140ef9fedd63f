package org.jmiredo.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes one relay event loop whose tunnel is read with virtio headers ({@code tun.offload = auto}): the
 * steps of {@link RelayUdpFuzzTest}, but every packet from the tunnel comes as a read with a virtio header,
 * often a TCP or UDP GSO super-packet that the reader cuts into segments (RFC 4380 §5.4.1 applies to
 * each), or a header that contradicts its packet. Regression seeds: {@code RelayTunFuzzTestInputs/relayTunnelReads/}.
 */
class RelayTunFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void relayTunnelReads(FuzzedDataProvider data) {
        try (RelayScenario scenario = new RelayScenario(data, true)) {
            scenario.run();
        }
    }
}
