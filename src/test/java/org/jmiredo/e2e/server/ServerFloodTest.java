package org.jmiredo.e2e.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.Optional;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.OneLabPerClass;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.server.ServerLab.Node;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our server under floods of Router Solicitations from spoofed mappings (atk): without limits, as Miredo,
 * from 400 mappings; and aimed at one victim IPv4 on many ports with a per-destination RA budget. Either
 * way a real client that starts during the flood qualifies. And under a flood of bubbles it would forward to one
 * victim (rule 6 of RFC 4380 §5.3.1), held to its per-destination budget while a real client qualifies and pings
 * through a relay, whose bubbles the server forwards to it.
 */
@Timeout(150)
class ServerFloodTest extends OneLabPerClass {
    private static final String FLOOD_COUNT = "150000";
    private static final String FLOOD_RATE = "10000";
    private static final String FLOOD_SOURCES = "200";
    /** Miredo's client solicits 3 times 4 s apart per step; with miredo-server under this flood it took < 0.5 s. */
    private static final Duration QUALIFY = Duration.ofSeconds(12);
    /** RAs per second towards one IPv4: divides evenly between 1, 2 or 5 event loops. */
    private static final int PER_DESTINATION = 10;

    /** Forwarded packets per second towards one IPv4: divides evenly between 1, 2 or 5 event loops. */
    private static final int FORWARD_PER_DESTINATION = 10;

    private ServerLab lab;

    @Override
    protected AutoCloseable openLab() {
        ServerLab.requirePreconditions(ServerPeers.jar());
        lab = ServerLab.create();
        return lab;
    }

    @Test
    @Order(1)
    @DisplayName("A flood of 10,000 RS/s from 400 spoofed sources: a Miredo client starting during it qualifies, "
            + "every RS is answered, the server stays ready")
    void aRealClientQualifiesDuringTheFlood() {
        ServerPeers peers = new ServerPeers(lab, ServerPeers.java(), ServerPeers.jar());
        LabProcess server = peers.startServer(
                Node.SRV,
                "jmiredo-server",
                """
                jmiredo.server { primary-address = "%s", secondary-address = "%s", ra-per-destination = 0 }
                """.formatted(SERVER_PRIMARY, SERVER_SECONDARY),
                ServerPeers.SERVER_METRICS);
        LabProcess flood = lab.start(
                Node.ATK,
                "rs-flood",
                TeredoPacketTool.command(
                        "rs-flood", SERVER_PRIMARY, FLOOD_COUNT, "203.0.113.1", FLOOD_SOURCES, FLOOD_RATE));
        Poll.until(
                "the flood to reach the server",
                Duration.ofSeconds(20),
                () -> peers.scrape(Node.SRV, ServerPeers.SERVER_METRICS)
                                .value("jmiredo_router_solicitations_received_total")
                        > 10_000);
        long start = System.nanoTime();
        LabProcess client = peers.startMiredoClient(Node.CLI);
        String address = peers.awaitTeredoAddress(Node.CLI, client, QUALIFY);
        lab.log("qualified during the flood in " + (System.nanoTime() - start) / 1_000_000 + " ms as " + address);
        assertThat(flood.isAlive())
                .as("the flood still going when the client qualified")
                .isTrue();
        flood.kill();

        ServerPeers.Scrape metrics = Poll.value("every RS counted as answered", Duration.ofSeconds(10), () -> {
            ServerPeers.Scrape s = peers.scrape(Node.SRV, ServerPeers.SERVER_METRICS);
            return s.value("jmiredo_router_advertisements_sent_total")
                            == s.value("jmiredo_router_solicitations_received_total")
                    ? Optional.of(s)
                    : Optional.empty();
        });
        assertThat(metrics.dropped("internal_error")).isZero();
        server.assertAlive();
        assertThat(lab.httpGet(Node.SRV, ServerPeers.SERVER_METRICS, "/readyz")[0])
                .contains("200");
        client.stop(); // the next case starts its own server and client on the same addresses
        server.stop();
    }

    @Test
    @Order(2)
    @DisplayName("A flood of 5,000 RS/s aimed at one victim IPv4 from 64 ports: the victim gets at most "
            + PER_DESTINATION + " RAs a second, a Miredo client starting during it qualifies")
    void aFloodAtOneVictimIsHeldToItsBudgetWhileARealClientQualifies() {
        ServerPeers peers = new ServerPeers(lab, ServerPeers.java(), ServerPeers.jar());
        LabProcess server = peers.startServer(
                Node.SRV,
                "jmiredo-server-victim",
                """
                jmiredo.server { primary-address = "%s", secondary-address = "%s", ra-per-destination = %d }
                """.formatted(SERVER_PRIMARY, SERVER_SECONDARY, PER_DESTINATION),
                ServerPeers.SERVER_METRICS);
        long start = System.nanoTime();
        LabProcess flood = lab.start(
                Node.ATK,
                "rs-flood-victim",
                TeredoPacketTool.command("rs-flood", SERVER_PRIMARY, "60000", "203.0.113.1", "1", "5000", "64"));
        Poll.until(
                "the flood to reach the server",
                Duration.ofSeconds(20),
                () -> peers.scrape(Node.SRV, ServerPeers.SERVER_METRICS).dropped("ra_destination_limited") > 1_000);
        LabProcess client = peers.startMiredoClient(Node.CLI);
        String address = peers.awaitTeredoAddress(Node.CLI, client, QUALIFY);
        assertThat(flood.isAlive())
                .as("the flood still going when the client qualified")
                .isTrue();
        // Let the flood run over a few clock seconds, so that the bound below is one per second.
        Poll.until(
                "15,000 RSs of the flood",
                Duration.ofSeconds(20),
                () -> peers.scrape(Node.SRV, ServerPeers.SERVER_METRICS)
                                .value("jmiredo_router_solicitations_received_total")
                        > 15_000);
        assertThat(flood.isAlive()).as("the flood still going").isTrue();
        flood.kill();
        // The server's last RSs of the flood may still wait in its socket on a loaded host, and it answers them in
        // later seconds, each with a budget of its own: the window ends once every RS received was settled.
        // (An RA whose send failed is neither: the bounds below are then checked on the last scrape all the same.)
        ServerPeers.Scrape metrics = Poll.settled(
                Duration.ofSeconds(20),
                () -> peers.scrape(Node.SRV, ServerPeers.SERVER_METRICS),
                s -> s.value("jmiredo_router_advertisements_sent_total")
                                + s.dropped("ra_destination_limited")
                                + s.dropped("ra_rate_limited")
                        == s.value("jmiredo_router_solicitations_received_total"));
        double seconds = (System.nanoTime() - start) / 1e9;
        double received = metrics.value("jmiredo_router_solicitations_received_total");
        double answered = metrics.value("jmiredo_router_advertisements_sent_total");
        double limited = metrics.dropped("ra_destination_limited");
        lab.log(String.format(
                "victim flood: %.0f RS received, %.0f answered, %.0f refused for the victim in %.1f s;"
                        + " client qualified as %s",
                received, answered, limited, seconds, address));
        // The client's own few RSs are answered too; the victim's share is at most the budget per second
        // (one more window for a burst across the turn of a second).
        assertThat(answered).as("RAs over %.1f s", seconds).isLessThanOrEqualTo(PER_DESTINATION * (seconds + 2) + 10);
        assertThat(limited).as("refused for the victim").isGreaterThan(received * 0.9);
        assertThat(metrics.dropped("ra_rate_limited"))
                .as("no global budget configured")
                .isZero();
        assertThat(metrics.dropped("internal_error")).isZero();
        server.assertAlive();
        client.stop();
        server.stop();
    }

    @Test
    @Order(3)
    @DisplayName("A flood of 5,000 bubbles/s from a native source to clients embedding one victim IPv4: the victim gets"
            + " at most " + FORWARD_PER_DESTINATION + " a second, a Miredo client behind the NAT qualifies and pings"
            + " the IPv6 host through a Miredo relay")
    void aFloodOfBubblesAtOneVictimIsHeldToItsBudgetWhileARealClientPings() {
        ServerPeers peers = new ServerPeers(lab, ServerPeers.java(), ServerPeers.jar());
        LabProcess server = peers.startServer(
                Node.SRV,
                "jmiredo-server-bubbles",
                """
                jmiredo.server { primary-address = "%s", secondary-address = "%s", forward-per-destination = %d }
                """.formatted(SERVER_PRIMARY, SERVER_SECONDARY, FORWARD_PER_DESTINATION),
                ServerPeers.SERVER_METRICS);
        LabProcess relay = peers.startMiredoRelay();
        long start = System.nanoTime();
        // The victim is one of atk's own addresses (203.0.113.0/24 is local there): nothing leaves the lab.
        LabProcess flood = lab.start(
                Node.ATK,
                "bubble-flood",
                TeredoPacketTool.command("bubble-flood", SERVER_PRIMARY, "150000", "5000", "64", "203.0.113.9"));
        Poll.until(
                "the flood to reach the server",
                Duration.ofSeconds(20),
                () -> peers.scrape(Node.SRV, ServerPeers.SERVER_METRICS).dropped("forward_destination_limited")
                        > 1_000);
        LabProcess client = peers.startMiredoClient(Node.LAN);
        String address = peers.awaitTeredoAddress(Node.LAN, client, QUALIFY);
        Duration firstReply = peers.awaitPingReply(Node.LAN, NATIVE_HOST, Duration.ofSeconds(20));
        int answered = peers.ping(Node.LAN, NATIVE_HOST, 5, 56);
        assertThat(flood.isAlive()).as("the flood still going after the pings").isTrue();
        // Let the flood run over a few clock seconds, so that the bound below is one per second.
        Poll.until(
                "15,000 bubbles of the flood refused",
                Duration.ofSeconds(20),
                () -> peers.scrape(Node.SRV, ServerPeers.SERVER_METRICS).dropped("forward_destination_limited")
                        > 15_000);
        assertThat(flood.isAlive()).as("the flood still going").isTrue();
        flood.kill();
        // What was forwarded by now was forwarded within these seconds, whatever the server still has to read.
        ServerPeers.Scrape metrics = peers.scrape(Node.SRV, ServerPeers.SERVER_METRICS);
        double seconds = (System.nanoTime() - start) / 1e9;
        double forwarded = metrics.value("jmiredo_server_forwarded_bubbles_total");
        double limited = metrics.dropped("forward_destination_limited");
        lab.log(String.format(
                "bubble flood: %.0f forwarded, %.0f refused for the victim in %.1f s; client %s, first"
                        + " reply after %d ms, then %d of 5",
                forwarded, limited, seconds, address, firstReply.toMillis(), answered));
        assertThat(answered).as("echo replies of 5 pings during the flood").isGreaterThanOrEqualTo(4);
        // The victim's share is at most the budget per second (one more window across the turn of a second); the
        // relay's few bubbles to the client come on top.
        assertThat(forwarded)
                .as("bubbles forwarded over %.1f s", seconds)
                .isLessThanOrEqualTo(FORWARD_PER_DESTINATION * (seconds + 2) + 20);
        assertThat(metrics.dropped("forward_rate_limited"))
                .as("no global budget configured")
                .isZero();
        assertThat(metrics.dropped("internal_error")).isZero();
        server.assertAlive();
        client.stop();
        relay.stop();
        server.stop();
    }
}
