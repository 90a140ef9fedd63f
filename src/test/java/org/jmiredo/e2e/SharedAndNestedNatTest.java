package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Debian Miredo clients in two topologies the other tests leave out, both behind the lab's symmetric NAT
 * ({@code MASQUERADE --random-fully}): two clients behind that one NAT, each on its own service port (lan on a
 * random one, lanb on 3546; R-5.2.10-distinct), using the relay at the same time; and one client (ld) behind two NAT
 * layers, a home NAT (Linux MASQUERADE: port-preserving, port-restricted) whose outside sits on the symmetric NAT's
 * LAN. The relay must tell the two clients' flows apart although they share the NAT's address, and find each
 * client's real mapping from the answer to its keyed bubble (CONFORMANCE M15), the outer NAT's port toward the relay
 * differing from the one the server saw. {@code -Djmiredo.e2e.relay=miredo} runs it against Miredo's relay
 * (BENCHMARKS.md "Sixteenth iteration: real Miredo clients in other topologies").
 */
@Timeout(value = 120)
class SharedAndNestedNatTest extends TeredoLabTest {
    private static final Duration QUALIFY = Duration.ofSeconds(30);
    /** Relay discovery through the server before the first echo reply (tens of ms here; a loaded host is slower). */
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    /** 25 echo requests, 200 ms apart, from each client at once. */
    private static final int CONCURRENT_PINGS = 25;

    private static final String LANB = "192.168.77.3";
    private static final int PORT_B = 3546;
    private static final String HOME_OUTSIDE = "192.168.77.5";
    private static final String HOME_INSIDE = "192.168.79.1";
    private static final String LD = "192.168.79.2";
    private static final int PORT_D = 3547;

    private final Map<Netns, String> clients = new LinkedHashMap<>();
    private Netns lanb;
    private Netns ld;

    SharedAndNestedNatTest() {
        super(RelayKind.selected(), NatKind.SYMMETRIC);
    }

    @BeforeAll
    void startClients() {
        lanb = JmiredoClient.hostBehindTheNat(teredo, "lanb", LANB);
        ld = hostBehindAHomeNat();
        LabProcess lanbClient = Miredo.startClient(teredo.lab(), lanb, "miredo-client-lanb", SERVER_PRIMARY, PORT_B);
        LabProcess ldClient = Miredo.startClient(teredo.lab(), ld, "miredo-client-ld", SERVER_PRIMARY, PORT_D);
        clients.put(teredo.ns(Host.LAN), teredo.teredoAddress(Host.LAN));
        clients.put(lanb, Miredo.awaitTeredoAddress(lanb, lanbClient, QUALIFY));
        clients.put(ld, Miredo.awaitTeredoAddress(ld, ldClient, QUALIFY));
        teredo.lab().shell().note("clients " + clients);
    }

    @Test
    @Order(1)
    @DisplayName("R-5.2.10-distinct: two clients behind one symmetric NAT and one behind two NATs, all embedding the "
            + "outer NAT's address, ping the native host at the same time through the relay")
    void clientsPingTheNativeHostAtOnce() {
        assertThat(clients.values())
                .doesNotHaveDuplicates()
                .allMatch(a -> TeredoAddressView.parse(a).mappedIpv4().equals(NAT_OUTSIDE), "maps to " + NAT_OUTSIDE);
        Map<Netns, LabProcess> pings = new LinkedHashMap<>();
        for (Netns client : clients.keySet()) {
            pings.put(client, Ping.start(teredo.lab(), client, NATIVE_HOST, CONCURRENT_PINGS));
        }
        for (Map.Entry<Netns, LabProcess> ping : pings.entrySet()) {
            Ping.Result result = Ping.result(ping.getValue(), Duration.ofSeconds(CONCURRENT_PINGS + 20L));
            // The first may be lost while the client finds the relay (a slow host may lose a few more); a broken
            // topology answers none.
            assertThat(result.received())
                    .as("%s, echo replies of %s:\n%s", ping.getKey().name(), result, result.output())
                    .isGreaterThanOrEqualTo(CONCURRENT_PINGS - 5);
        }
    }

    @Test
    @Order(2)
    @DisplayName("The native host reaches each of the three clients at its Teredo address")
    void nativeHostReachesEachClient() {
        for (String address : clients.values()) {
            Ping.assertAnswered(teredo.ns(Host.V6), address, WARM_UP);
        }
    }

    @Test
    @Order(3)
    @DisplayName("No client's traffic went to another: each still pings after the others, and the relay warned of "
            + "nothing")
    void eachClientAgainAfterTheOthers() {
        for (Netns client : List.copyOf(clients.keySet())) {
            Ping.assertAnswered(client, NATIVE_HOST, WARM_UP);
        }
        if (kind == RelayKind.JMIREDO) {
            assertThat(JmiredoRelay.loudLines(teredo.relay().process()))
                    .as("WARN/ERROR lines of the relay")
                    .isEmpty();
        }
    }

    /** hn between the lab NAT's LAN (its outside) and a LAN bridge of its own (brh), with ld behind it. */
    private Netns hostBehindAHomeNat() {
        JmiredoClient.natRouter(teredo, "hn", BR_LAN, HOME_OUTSIDE, NAT_INSIDE, "brh", HOME_INSIDE);
        return JmiredoClient.hostBehind(teredo, "ld", "brh", LD, HOME_INSIDE);
    }
}
