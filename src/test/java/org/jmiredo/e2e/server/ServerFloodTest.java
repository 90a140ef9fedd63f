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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our server with its defaults ({@code ra-per-second = 0}, as Miredo) under a flood of Router Solicitations
 * from 400 spoofed mappings (atk): a real client that starts during the flood still qualifies.
 */
@Timeout(120)
class ServerFloodTest extends OneLabPerClass {
    private static final String FLOOD_COUNT = "150000";
    private static final String FLOOD_RATE = "10000";
    private static final String FLOOD_SOURCES = "200";
    /** Miredo's client solicits 3 times 4 s apart per step; with miredo-server under this flood it took < 0.5 s. */
    private static final Duration QUALIFY = Duration.ofSeconds(12);

    private ServerLab lab;

    @Override
    protected AutoCloseable openLab() {
        ServerLab.requirePreconditions(ServerPeers.jar());
        lab = ServerLab.create();
        return lab;
    }

    @Test
    @DisplayName("A flood of 10,000 RS/s from 400 spoofed sources: a Miredo client starting during it qualifies, "
            + "every RS is answered, the server stays ready")
    void aRealClientQualifiesDuringTheFlood() {
        ServerPeers peers = new ServerPeers(lab, ServerPeers.java(), ServerPeers.jar());
        LabProcess server = peers.startServer(Node.SRV, "jmiredo-server", """
                jmiredo.server { primary-address = "%s", secondary-address = "%s" }
                """.formatted(SERVER_PRIMARY, SERVER_SECONDARY), ServerPeers.SERVER_METRICS);
        LabProcess flood = lab.start(Node.ATK, "rs-flood", TeredoPacketTool.command("rs-flood", SERVER_PRIMARY,
                FLOOD_COUNT, "203.0.113.1", FLOOD_SOURCES, FLOOD_RATE));
        Poll.until("the flood to reach the server", Duration.ofSeconds(20),
                () -> peers.scrape(Node.SRV, ServerPeers.SERVER_METRICS)
                        .value("jmiredo_router_solicitations_received_total") > 10_000);
        long start = System.nanoTime();
        LabProcess client = peers.startMiredoClient(Node.CLI);
        String address = peers.awaitTeredoAddress(Node.CLI, client, QUALIFY);
        lab.log("qualified during the flood in " + (System.nanoTime() - start) / 1_000_000 + " ms as " + address);
        assertThat(flood.isAlive()).as("the flood still going when the client qualified").isTrue();
        flood.kill();

        ServerPeers.Scrape metrics = Poll.value("every RS counted as answered", Duration.ofSeconds(10), () -> {
            ServerPeers.Scrape s = peers.scrape(Node.SRV, ServerPeers.SERVER_METRICS);
            return s.value("jmiredo_router_advertisements_sent_total")
                    == s.value("jmiredo_router_solicitations_received_total") ? Optional.of(s) : Optional.empty();
        });
        assertThat(metrics.dropped("internal_error")).isZero();
        server.assertAlive();
        assertThat(lab.httpGet(Node.SRV, ServerPeers.SERVER_METRICS, "/readyz")[0]).contains("200");
    }
}
