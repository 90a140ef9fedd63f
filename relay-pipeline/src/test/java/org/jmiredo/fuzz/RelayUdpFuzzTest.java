package org.jmiredo.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes one relay event loop (RFC 4380 §5.4): datagrams from fuzzed sources through the real UDP
 * pipeline, IPv6 packets from the tunnel through the transmission path, and clock advances, on a small
 * peer table so that eviction, expiry and the queue bounds are reached. {@link RelayScenario} checks
 * the invariants after every step. Regression seeds: {@code RelayUdpFuzzTestInputs/relayDataPath/}.
 */
class RelayUdpFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void relayDataPath(FuzzedDataProvider data) {
        try (RelayScenario scenario = new RelayScenario(data, false)) {
            scenario.run();
        }
    }
}
