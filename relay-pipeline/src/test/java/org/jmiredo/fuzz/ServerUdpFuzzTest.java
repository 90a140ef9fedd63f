package org.jmiredo.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes one Teredo server channel pair (RFC 4380 §5.3): datagrams from fuzzed sources on the primary
 * and secondary sockets, with Router Solicitations, bubbles and ICMPv6 echo messages built to pass the
 * checks, and raw bytes. {@link ServerScenario} checks the invariants after every datagram. Regression
 * seeds: {@code ServerUdpFuzzTestInputs/serverDataPath/}.
 */
class ServerUdpFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void serverDataPath(FuzzedDataProvider data) {
        try (ServerScenario scenario = new ServerScenario(data)) {
            scenario.run();
        }
    }
}
