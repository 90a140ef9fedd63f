package org.jmiredo.e2e;

import static org.jmiredo.e2e.lab.LabNet.*;

import java.nio.file.Path;
import java.util.List;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Poll;

/**
 * Our {@code jmiredo server} in srv on two more addresses (198.51.100.4 and .5), beside the lab's
 * miredo-server on .1 and .2, for the client tests that need our server, or one they may stop.
 */
final class OurServerBeside {
    static final String PRIMARY = "198.51.100.4";
    static final String SECONDARY = "198.51.100.5";
    static final String METRICS = "127.0.0.1:9551";

    private OurServerBeside() {}

    /** Adds the two addresses to srv (once per lab). */
    static void addAddresses(TeredoLab teredo) {
        teredo.ns(Host.SRV).addAddress(IF_V4, PRIMARY + V4_PREFIX_LEN);
        teredo.ns(Host.SRV).addAddress(IF_V4, SECONDARY + V4_PREFIX_LEN);
    }

    /** Starts it (relay discovery on: echo tests go out through its raw socket) and waits until it is ready. */
    static LabProcess start(TeredoLab teredo) {
        Path config = teredo.lab().writeFile("jmiredo-server.conf", """
                jmiredo.server.primary-address = "%s"
                jmiredo.metrics.listen = "%s"
                """.formatted(PRIMARY, METRICS));
        LabProcess server = teredo.lab()
                .start(
                        Host.SRV,
                        "jmiredo-server",
                        List.of(
                                RelayKind.java().toString(),
                                "--enable-native-access=ALL-UNNAMED",
                                "-jar",
                                RelayKind.jar().toString(),
                                "server",
                                "--config",
                                config.toString()));
        Poll.until("our server to be ready", JmiredoClient.START_TIMEOUT, () -> {
            server.assertAlive();
            return server.output().contains(" ready: ");
        });
        return server;
    }
}
