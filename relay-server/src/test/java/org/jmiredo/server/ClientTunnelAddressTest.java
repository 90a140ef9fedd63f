package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.Inet6Address;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jmiredo.engine.client.ClientState;
import org.jmiredo.engine.client.QualificationFailure;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.server.metrics.MeterRegistries;
import org.jmiredo.server.netlink.InterfaceConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client daemon's wiring from the qualification's report to the tunnel's address, with a tunnel whose
 * address calls fail: the address is "on the tunnel" (behind /readyz) only once an assignment succeeded, a failure
 * is counted and logged once at WARN with the kernel's answer, and tried again until it succeeds.
 */
class ClientTunnelAddressTest {
    private static final int SERVER = Ipv4.of(198, 51, 100, 1);
    private static final long HI = TeredoAddress.hi(Teredo.PREFIX, SERVER);
    private static final long LO = TeredoAddress.lo(0, 40000, Ipv4.of(198, 51, 100, 20));

    private final CapturedLog logged = new CapturedLog();
    /** Assignments still to refuse, as the kernel does for a tunnel with net.ipv6.conf.*.disable_ipv6=1. */
    private final AtomicInteger refusals = new AtomicInteger();

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final ClientTunnelAddress.Tunnel tunnel = new ClientTunnelAddress.Tunnel() {
        @Override
        public void assign(Inet6Address address, int mtu) throws InterfaceConfigException {
            calls.add("assign " + address.getHostAddress());
            if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new InterfaceConfigException(
                        "cannot add address ... to teredo: RTNETLINK answers: Permission " + "denied");
            }
        }

        @Override
        public void withdraw() {
            calls.add("withdraw");
        }
    };

    @AfterEach
    void releaseLog() {
        logged.close();
    }

    @Test
    void aFailedAssignmentKeepsTheAddressOffUntilARetrySucceedsLoggedOnceAndCounted() throws Exception {
        refusals.set(3);
        PrometheusMeterRegistry registry = MeterRegistries.prometheus();
        try (ClientTunnelAddress address = new ClientTunnelAddress(tunnel, 50)) {
            address.bindTo(registry);
            ClientReport report = qualifiedReport(address);

            assertThat(address.onTunnel()).as("reported, not yet applied").isFalse();
            await("three refusals, then the retry that succeeds", address::onTunnel);
            assertThat(calls).hasSize(4).allMatch(call -> call.startsWith("assign 2001:0:c633:6401:"));
            assertThat(registry.scrape()).contains("jmiredo_client_address_assign_failures_total 3.0");
            assertThat(logged.at(Level.WARN))
                    .singleElement()
                    .asString()
                    .contains("/readyz says 503")
                    .contains("RTNETLINK answers: Permission denied");
            assertThat(logged.at(Level.INFO))
                    .anySatisfy(line -> assertThat(line).contains("is on the tunnel now"));
            assertThat(report.qualified()).isTrue();
        }
    }

    @Test
    void aNewAddressIsNotOnTheTunnelUntilAssignedAndAFailingOneIsNotRetriedOnceWithdrawn() throws Exception {
        try (ClientTunnelAddress address = new ClientTunnelAddress(tunnel, 50)) {
            ClientReport report = qualifiedReport(address);
            await("the first address on the tunnel", address::onTunnel);

            refusals.set(Integer.MAX_VALUE);
            report.qualified(HI, TeredoAddress.lo(0, 40001, Ipv4.of(198, 51, 100, 20)), 0);
            assertThat(address.onTunnel())
                    .as("a new mapping: the old address is not the one reported")
                    .isFalse();
            await("a retry", () -> calls.size() >= 3);
            assertThat(address.onTunnel()).isFalse();

            report.unqualified(QualificationFailure.SERVER_LOST);
            await("the withdrawal", () -> calls.contains("withdraw"));
            int made = calls.size();
            Thread.sleep(200); // four retry intervals
            assertThat(calls).as("no retry of an address no longer reported").hasSize(made);
        }
    }

    private static ClientReport qualifiedReport(ClientTunnelAddress address) {
        ClientReport report =
                new ClientReport(new QualificationSettings(SERVER, SERVER + 1, Teredo.PREFIX), 1400, address::changed);
        report.state(ClientState.QUALIFIED);
        report.qualified(HI, LO, 0);
        return report;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
