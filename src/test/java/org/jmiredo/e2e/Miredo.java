package org.jmiredo.e2e;

import static org.jmiredo.e2e.lab.LabNet.*;

import java.nio.file.Path;
import java.time.Duration;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.PrivateRun;

/** Starts the Debian Miredo daemons (the reference peers) in lab namespaces. */
final class Miredo {

    private Miredo() {}

    /** miredo-server on the two consecutive addresses of srv. {@code -u nobody}: Miredo refuses to keep root. */
    static LabProcess startServer(Lab lab) {
        Path conf = lab.writeFile(
                "miredo-server.conf",
                "ServerBindAddress " + SERVER_PRIMARY + "\nServerBindAddress2 " + SERVER_SECONDARY + "\n");
        LabProcess server = lab.start(
                Host.SRV, "miredo-server", PrivateRun.of("miredo-server", "-f", "-c", conf.toString(), "-u", "nobody"));
        Poll.until("miredo-server to bind UDP 3544", Duration.ofSeconds(10), () -> {
            server.assertAlive();
            return lab.ns(Host.SRV).udpBound(3544);
        });
        return server;
    }

    /** A Miredo client qualifying with the lab's server; its tunnel is named {@link LabNet#TUN_NAME}. */
    static LabProcess startClient(Lab lab, Host host) {
        return startClient(lab, lab.ns(host), "miredo-client-" + host.id(), SERVER_PRIMARY, 0);
    }

    /** A Miredo client in a host a test added, qualifying with {@code server}, on {@code bindPort} (0: random). */
    static LabProcess startClient(Lab lab, Netns ns, String name, String server, int bindPort) {
        Path conf = lab.writeFile(
                name + ".conf",
                "RelayType client\nInterfaceName " + TUN_NAME + "\nServerAddress " + server + "\n"
                        + (bindPort == 0 ? "" : "BindPort " + bindPort + "\n"));
        return lab.start(ns, name, PrivateRun.of("miredo", "-f", "-c", conf.toString(), "-u", "nobody"));
    }

    /** Miredo's own cone relay on the relay port, for baseline runs. */
    static LabProcess startRelay(Lab lab) {
        Path conf = lab.writeFile(
                "miredo-relay.conf",
                "RelayType cone\nInterfaceName " + TUN_NAME + "\nBindAddress " + RELAY_V4 + "\nBindPort " + RELAY_PORT
                        + "\n");
        return lab.start(
                Host.RLY, "miredo-relay", PrivateRun.of("miredo", "-f", "-c", conf.toString(), "-u", "nobody"));
    }

    /**
     * Waits until a client's tunnel carries a Teredo address (RFC 4380 section 5.2.1: qualification
     * done; Miredo's client hook then configures it, about 3 s after start) and returns it.
     */
    static String awaitTeredoAddress(Lab lab, Host host, LabProcess client, Duration timeout) {
        return awaitTeredoAddress(lab.ns(host), client, timeout);
    }

    /** As {@link #awaitTeredoAddress(Lab, Host, LabProcess, Duration)}, in any lab namespace. */
    static String awaitTeredoAddress(Netns netns, LabProcess client, Duration timeout) {
        return Poll.value("a 2001:0::/32 address on " + TUN_NAME + " in " + netns.name(), timeout, () -> {
            client.assertAlive();
            return netns.globalInet6(TUN_NAME).filter(a -> a.startsWith("2001:0:"));
        });
    }
}
