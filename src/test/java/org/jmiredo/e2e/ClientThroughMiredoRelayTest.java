package org.jmiredo.e2e;

import org.junit.jupiter.api.Timeout;

/** {@link ClientDataTest} with Debian Miredo's relay in rly. */
@Timeout(value = 240)
class ClientThroughMiredoRelayTest extends ClientDataTest {
    ClientThroughMiredoRelayTest() {
        super(RelayKind.MIREDO);
    }
}
