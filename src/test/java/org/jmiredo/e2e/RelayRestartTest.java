package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jmiredo.e2e.HostileNet.FIRST_SPOOFED;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our relay killed, restarted and reloaded while a Miredo client behind the NAT uses it: SIGKILL with a
 * device of its own and with a persistent one, a persistent device left in the way, and SIGHUP reloads
 * (good, bad, a burst of them) under a flood from the native side.
 */
@Timeout(value = 120)
class RelayRestartTest extends TeredoLabTest {
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    /** As RelayInteropTest: a live client's traffic flows again within a few seconds of the relay serving. */
    private static final Duration RECOVERY = Duration.ofSeconds(5);

    private static final int DURING_PINGS = 50;

    private JmiredoRelay relay;

    @BeforeAll
    void wireTheHostileHost() {
        HostileNet.wire(teredo);
        relay = (JmiredoRelay) teredo.relay();
    }

    @Test
    @Order(1)
    @DisplayName(
            "SIGKILL under traffic: the kernel removes the relay's own device and route with it; a restart at once serves the live client within seconds")
    void killedUnderTrafficRestartsAtOnce() {
        Netns rly = teredo.ns(Host.RLY);
        Ping.awaitReply(lan(), NATIVE_HOST, WARM_UP);
        LabProcess ping = Ping.start(teredo.lab(), Host.LAN, NATIVE_HOST, DURING_PINGS);
        Poll.sleep(1000);
        relay.process().kill();
        boolean deviceLeft = rly.linkExists(TUN_NAME);
        String routeLeft = rly.route6(TEREDO_PREFIX);
        relay.start();
        Duration recovered = Ping.awaitReply(lan(), NATIVE_HOST, RECOVERY);
        Ping.Result during = Ping.result(ping, Duration.ofSeconds(30));
        teredo.lab()
                .shell()
                .note("after SIGKILL: device left " + deviceLeft + ", route left '" + routeLeft + "'; recovered in "
                        + recovered.toMillis() + " ms; during: " + during);

        assertThat(deviceLeft)
                .as("%s after SIGKILL (not persistent: it lives with its queues)", TUN_NAME)
                .isFalse();
        assertThat(routeLeft).as("route after SIGKILL").isEmpty();
        // The relay is away for its JVM's start (2 to 3 s of the 10 here, more on a loaded machine).
        assertThat(during.received())
                .as("pings across the kill and restart:\n%s", during.output())
                .isGreaterThanOrEqualTo(during.transmitted() / 4);
        assertPings(Host.V6, teredo.teredoAddress(Host.LAN));
    }

    @Test
    @Order(2)
    @DisplayName(
            "tun.persistent: SIGKILL leaves the host's device and route in place, and the next start attaches to them and serves at once")
    void killedOnAPersistentDeviceReattaches() {
        relay.stop();
        RelayReadiness.awaitGone(teredo.lab(), Duration.ofSeconds(10));
        createPersistentDevice();
        try {
            relay.configure("jmiredo.tun.persistent = true\n");
            relay.start();
            Ping.awaitReply(lan(), NATIVE_HOST, WARM_UP);
            relay.process().kill();
            assertThat(teredo.ns(Host.RLY).route6(TEREDO_PREFIX))
                    .as("the host's route")
                    .contains("dev " + TUN_NAME);
            relay.start();
            Ping.awaitReply(lan(), NATIVE_HOST, RECOVERY);
            assertPings(Host.V6, teredo.teredoAddress(Host.LAN));
        } finally {
            relay.stop();
            teredo.ns(Host.RLY).ipQuiet("link", "del", TUN_NAME);
            relay.configure("");
        }
    }

    @Test
    @Order(3)
    @DisplayName(
            "A persistent device of the same name left in the way (not tun.persistent): the relay refuses to start and says how to fix it")
    void persistentDeviceInTheWayIsReported() {
        createPersistentDevice();
        try {
            assertThatThrownBy(relay::start).as("start with %s taken", TUN_NAME).isInstanceOf(AssertionError.class);
            assertThat(relay.process().isAlive())
                    .as("relay with %s taken", TUN_NAME)
                    .isFalse();
            assertThat(relay.process().output()).contains(TUN_NAME).contains("tun.persistent");
        } finally {
            teredo.ns(Host.RLY).ipQuiet("link", "del", TUN_NAME);
        }
        relay.start();
        Ping.awaitReply(lan(), NATIVE_HOST, RECOVERY);
    }

    @Test
    @Order(4)
    @DisplayName(
            "A route for the prefix left by something else (not a killed relay, whose route goes with its device): refused with a message naming it")
    void foreignRouteInTheWayIsReported() {
        relay.stop();
        RelayReadiness.awaitGone(teredo.lab(), Duration.ofSeconds(10));
        Netns rly = teredo.ns(Host.RLY);
        rly.ip("-6", "route", "add", TEREDO_PREFIX, "via", NATIVE_HOST);
        try {
            assertThatThrownBy(relay::start).as("start with a route in the way").isInstanceOf(AssertionError.class);
            assertThat(relay.process().isAlive()).isFalse();
            assertThat(relay.process().output()).contains("a route for " + TEREDO_PREFIX + " already exists");
            assertThat(rly.linkExists(TUN_NAME))
                    .as("the refused start's device is gone")
                    .isFalse();
        } finally {
            rly.ipQuiet("-6", "route", "del", TEREDO_PREFIX, "via", NATIVE_HOST);
        }
        relay.start();
        Ping.awaitReply(lan(), NATIVE_HOST, RECOVERY);
    }

    @Test
    @Order(5)
    @DisplayName(
            "SIGHUP under a native flood: a good reload applies (direct bubbles start), a bad one keeps the running configuration, a burst of 20 changes nothing; the client's pings go on")
    void sighupUnderLoad() {
        LabProcess ping = Ping.start(teredo.lab(), Host.LAN, NATIVE_HOST, DURING_PINGS);
        // 20 s of flood: it must outlast the reloads and the burst of signals below, which take longer on a loaded
        // host (with 10 s it could end before "direct bubbles to go on" was seen, and nothing would make more).
        LabProcess flood = teredo.lab()
                .start(
                        Host.V6,
                        "hostile-native-flood",
                        HostileSender.command("native-flood", "80000", "4000", FIRST_SPOOFED, "0"));
        Poll.sleep(1000);
        relay.reload("jmiredo.relay.type = restricted\n");
        relay.process().awaitOutput(Pattern.compile("configuration reloaded"), Duration.ofSeconds(10));
        double direct = Poll.value("direct bubbles", Duration.ofSeconds(10), () -> {
            double n = directBubbles();
            return n > 0 ? Optional.of(n) : Optional.empty();
        });
        relay.reload("jmiredo.relay.type = sideways\n");
        relay.process().awaitOutput(Pattern.compile("configuration not reloaded"), Duration.ofSeconds(10));
        for (int i = 0; i < 20; i++) {
            teredo.lab()
                    .shell()
                    .run("kill", "-HUP", Long.toString(relay.process().pid()))
                    .check();
        }
        Poll.until("direct bubbles to go on", Duration.ofSeconds(10), () -> directBubbles() > direct);
        Poll.until("the flood to end", Duration.ofSeconds(30), () -> !flood.isAlive());
        assertThat(teredo.lab().stop(flood)).as(flood.output()).contains(0);
        Ping.Result during = Ping.result(ping, Duration.ofSeconds(30));

        relay.process().assertAlive();
        assertThat(during.received())
                .as("pings during the reloads:\n%s", during.output())
                .isGreaterThanOrEqualTo(during.transmitted() * 9 / 10);
        String body =
                Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
        assertThat(Metrics.sample(body, "jmiredo_dropped_packets_total{reason=\"internal_error\"}"))
                .isZero();
        relay.reload("");
        assertPings(Host.LAN, NATIVE_HOST);
    }

    @Test
    @Order(6)
    @DisplayName(
            "SIGTERM under a native flood: the relay stops cleanly (exit 0) and removes its device and route; the next start serves")
    void sigtermUnderLoadStopsCleanly() {
        LabProcess flood = teredo.lab()
                .start(
                        Host.V6,
                        "hostile-native-flood",
                        HostileSender.command("native-flood", "40000", "10000", FIRST_SPOOFED, "100"));
        Poll.sleep(1500);
        assertThat(relay.stop()).as("exit status after SIGTERM under load").contains(0);
        RelayReadiness.awaitGone(teredo.lab(), Duration.ofSeconds(10));
        assertThat(teredo.ns(Host.RLY).route6(TEREDO_PREFIX))
                .as("route after the stop")
                .isEmpty();
        teredo.lab().stop(flood);
        relay.start();
        Ping.awaitReply(lan(), NATIVE_HOST, RECOVERY);
    }

    /**
     * Found here: a relay whose tunnel was deleted stopped reading it (rightly, or its loop would spin on the
     * error) but ran on, /readyz 200, carrying nothing, until someone noticed. It now leaves with status 1 and
     * says why, so systemd (Restart=on-failure) or Kubernetes starts it again, which creates the device anew.
     */
    @Test
    @Order(7)
    @DisplayName(
            "The tunnel deleted under the running relay: it stops with status 1 and says why; the next start serves")
    void tunnelDeletedUnderTheRelayEndsIt() {
        Ping.awaitReply(lan(), NATIVE_HOST, WARM_UP);
        teredo.ns(Host.RLY).ip("link", "del", TUN_NAME);
        Poll.until("the relay to stop", Duration.ofSeconds(10), () -> !relay.process()
                .isAlive());
        assertThat(relay.stop()).as("exit status").contains(1);
        assertThat(relay.process().output()).contains("the tunnel " + TUN_NAME + " was deleted under the relay");
        relay.start();
        Ping.awaitReply(lan(), NATIVE_HOST, RECOVERY);
    }

    private double directBubbles() {
        String body =
                Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
        return Metrics.sample(body, "jmiredo_bubbles_sent_total{kind=\"direct\"}");
    }

    /** The persistent device README's "Running without root" has the host create, with its route. */
    private void createPersistentDevice() {
        Netns rly = teredo.ns(Host.RLY);
        rly.ip("tuntap", "add", "dev", TUN_NAME, "mode", "tun", "multi_queue");
        rly.ip("link", "set", "dev", TUN_NAME, "mtu", "1280", "txqueuelen", "4096", "multicast", "off", "up");
        rly.ip("-6", "addr", "add", "fe80::ffff:ffff:ffff/64", "dev", TUN_NAME, "nodad");
        rly.ip("-6", "route", "add", TEREDO_PREFIX, "dev", TUN_NAME);
    }

    private Netns lan() {
        return teredo.ns(Host.LAN);
    }

    private void assertPings(Host from, String to) {
        Ping.assertAnswered(teredo.ns(from), to, WARM_UP);
    }
}
