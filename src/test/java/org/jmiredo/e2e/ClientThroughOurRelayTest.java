package org.jmiredo.e2e;

import org.junit.jupiter.api.Timeout;

/** {@link ClientDataTest} with our relay in rly. */
@Timeout(value = 240)
class ClientThroughOurRelayTest extends ClientDataTest {
    ClientThroughOurRelayTest() {
        super(RelayKind.JMIREDO);
    }
}
