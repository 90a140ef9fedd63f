package org.jmiredo.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the Teredo client's event loop (RFC 4380 §5.2): RAs, bubbles, origin indications, data from
 * relays and peers, echo replies to its connectivity tests, raw datagrams, tunnel packets
 * and time passing, in every state of the qualification. {@link ClientScenario} checks the invariants after
 * every step. Regression seeds: {@code ClientFuzzTestInputs/clientDataPath/}.
 */
class ClientFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void clientDataPath(FuzzedDataProvider data) {
        try (ClientScenario scenario = new ClientScenario(data)) {
            scenario.run();
        }
    }
}
