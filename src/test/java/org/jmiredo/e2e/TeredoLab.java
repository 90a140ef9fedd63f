package org.jmiredo.e2e;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.jmiredo.e2e.lab.LabNet;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.LabRun;
import org.jmiredo.e2e.lab.Netns;

/**
 * The whole Teredo scenario on top of a {@link Lab}: Debian miredo-server in srv, the relay under
 * test in rly, Debian Miredo clients in lan (behind the NAT) and cli (public address), and an
 * iperf3 server on the native IPv6 host. One instance is shared by the methods of a test class.
 */
final class TeredoLab implements AutoCloseable {

    /** Miredo qualifies in about 3 s (LAB.md); leave room for a loaded machine. */
    private static final Duration QUALIFY_TIMEOUT = Duration.ofSeconds(20);

    private final Lab lab;
    private final RelayUnderTest relay;
    private final Map<Host, LabProcess> clients = new EnumMap<>(Host.class);
    private final Map<Host, String> addresses = new EnumMap<>(Host.class);

    private TeredoLab(Lab lab, RelayUnderTest relay) {
        this.lab = lab;
        this.relay = relay;
    }

    /** Builds the lab and starts every peer; tears everything down if any step fails. */
    static TeredoLab start(RelayKind kind) {
        return start(kind, NatKind.CONE);
    }

    /** As {@link #start(RelayKind)}, with the NAT in front of lan behaving as {@code nat} says. */
    static TeredoLab start(RelayKind kind, NatKind nat) {
        Lab lab = Lab.create(nat);
        return LabRun.orClose(lab, () -> {
            TeredoLab teredo = new TeredoLab(lab, kind.create(lab));
            teredo.startPeers();
            return teredo;
        });
    }

    private void startPeers() {
        Miredo.startServer(lab);
        relay.start();
        // Both clients qualify at the same time; only the server is involved (RFC 4380 section 5.2.1).
        for (Host host : new Host[] {Host.LAN, Host.CLI}) {
            clients.put(host, Miredo.startClient(lab, host));
        }
        for (Host host : clients.keySet()) {
            addresses.put(host, Miredo.awaitTeredoAddress(lab, host, clients.get(host), QUALIFY_TIMEOUT));
            lab.shell().note(host.id() + " qualified as " + addresses.get(host));
        }
        Iperf.startServer(lab, Host.V6);
    }

    Lab lab() {
        return lab;
    }

    RelayUnderTest relay() {
        return relay;
    }

    Netns ns(Host host) {
        return lab.ns(host);
    }

    /** The Teredo address a client got when the lab started. */
    String teredoAddress(Host client) {
        return addresses.get(client);
    }

    /** The client's address now (it must not change while the test runs). */
    String currentTeredoAddress(Host client) {
        return lab.ns(client).globalInet6(LabNet.TUN_NAME).orElse("<none>");
    }

    LabProcess client(Host host) {
        return clients.get(host);
    }

    @Override
    public void close() {
        lab.close();
    }
}
