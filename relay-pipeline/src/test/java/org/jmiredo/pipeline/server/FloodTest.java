package org.jmiredo.pipeline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.engine.server.Packets.RS_CONE;
import static org.jmiredo.engine.server.Packets.RS_RESTRICTED;
import static org.jmiredo.engine.server.Packets.rs;

import io.netty.buffer.ByteBuf;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jmiredo.engine.server.Packets;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.engine.server.ServerSettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.testing.TrackingAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile case of issue 3: a flood of router solicitations from many spoofed sources. The server is
 * stateless (RFC 4380 §5.3, R-5.3-listen; Miredo's server likewise), so nothing it keeps may grow, and
 * every RS is either answered or refused by the RA budget, and counted either way.
 */
class FloodTest {
    static final int SOURCES = 10_000;

    /** R-5.3-listen, R-5.3.2-mapping: 10,000 spoofed sources, each answered once, no state retained. */
    @Test
    void tenThousandSpoofedSourcesAreAllAnsweredAndNothingGrows() {
        try (ServerHarness server = new ServerHarness()) {
            Object[] roots = handlers(server);
            server.receive(rs(RS_RESTRICTED, 0L), Packets.NAT, Packets.NAT_PORT); // warm up: first-use allocations
            server.sent().forEach(s -> s.packet().release());
            long before = Footprint.of(roots);

            SplittableRandom random = new SplittableRandom(4380);
            for (int i = 0; i < SOURCES; i++) {
                int ip = globalIpv4(random);
                int port = 1 + random.nextInt(65535);
                ServerEndpoint on = i % 2 == 0 ? ServerEndpoint.PRIMARY : ServerEndpoint.SECONDARY;
                server.receive(on, rs(i % 3 == 0 ? RS_CONE : RS_RESTRICTED, (long) i), Ipv4.toString(ip), port);
                ServerHarness.Sent ra = server.sentOne();
                assertThat(SocketAddresses.ipv4(ra.recipient())).isEqualTo(ip);
                assertThat(ra.recipient().getPort()).isEqualTo(port);
                assertThat(ra.content().getLong(4)).as("nonce").isEqualTo(i);
                ra.packet().release();
            }

            assertThat(Footprint.of(roots))
                    .as("objects kept by the server's handlers")
                    .isEqualTo(before);
            assertThat(server.count(Counter.ROUTER_SOLICITATIONS_RX)).isEqualTo(SOURCES + 1);
            assertThat(server.count(Counter.ROUTER_ADVERTISEMENTS_TX)).isEqualTo(SOURCES + 1);
            assertThat(server.totalDrops()).isZero();
        }
    }

    /** With an RA budget, the flood gets exactly the budget per second; the rest is counted, not queued. */
    @Test
    void aBudgetCapsTheAnswersAndCountsTheRest() {
        try (ServerHarness server = new ServerHarness(Packets.labSettings().withRaPerSecond(100))) {
            long before = Footprint.of(handlers(server));
            SplittableRandom random = new SplittableRandom(5991);
            int answered = 0;
            for (int i = 0; i < SOURCES; i++) {
                server.receive(
                        rs(RS_RESTRICTED, (long) i), Ipv4.toString(globalIpv4(random)), 1 + random.nextInt(65535));
                List<ServerHarness.Sent> sent = server.sent();
                answered += sent.size();
                sent.forEach(s -> s.packet().release());
            }
            assertThat(answered).isEqualTo(100);
            assertThat(server.dropped(DropReason.RA_RATE_LIMITED)).isEqualTo(SOURCES - 100);
            assertThat(server.count(Counter.ROUTER_ADVERTISEMENTS_TX) + server.dropped(DropReason.RA_RATE_LIMITED))
                    .isEqualTo(SOURCES);

            server.now++; // the next second has a fresh budget, for the server
            server.receive(rs(RS_RESTRICTED, 1L), "203.0.113.5", 1234);
            server.receive(ServerEndpoint.SECONDARY, rs(RS_RESTRICTED, 2L), "203.0.113.6", 1234);
            assertThat(server.sent()).hasSize(2).allSatisfy(s -> s.packet().release());
            assertThat(Footprint.of(handlers(server))).isEqualTo(before);
        }
    }

    /**
     * ra-per-second is the server's bound, not each socket's: RSs reaching both addresses (and, with several
     * event loops, any of their sockets) share one budget. Before, each socket had its own: twice the value.
     */
    @Test
    void theRaBudgetIsSharedByBothSockets() {
        try (ServerHarness server = new ServerHarness(Packets.labSettings().withRaPerSecond(10))) {
            SplittableRandom random = new SplittableRandom(4380);
            int answered = 0;
            for (int i = 0; i < 30; i++) {
                ServerEndpoint on = i % 2 == 0 ? ServerEndpoint.PRIMARY : ServerEndpoint.SECONDARY;
                server.receive(
                        on, rs(RS_RESTRICTED, (long) i), Ipv4.toString(globalIpv4(random)), 1 + random.nextInt(65535));
                List<ServerHarness.Sent> sent = server.sent();
                answered += sent.size();
                sent.forEach(s -> s.packet().release());
            }
            assertThat(answered).as("ten a second from both addresses together").isEqualTo(10);
            assertThat(server.dropped(DropReason.RA_RATE_LIMITED)).isEqualTo(20);
        }
    }

    /**
     * A flood aimed at one victim (spoofed as the RS source, on many ports) gets the per-destination
     * budget per second, counted as ra_destination_limited, while a real client in the same second is
     * answered: the global budget is not used up by the victim's flood. The fixed table does not grow.
     */
    @Test
    void aPerDestinationBudgetCapsAFloodAtOneVictimAndSparesOtherSources() {
        ServerSettings settings = Packets.labSettings().withRaPerSecond(100).withRaPerDestination(5, 1024);
        try (ServerHarness server = new ServerHarness(settings)) {
            long before = Footprint.of(handlers(server));
            int answered = 0;
            for (int port = 1; port <= SOURCES; port++) {
                server.receive(rs(RS_RESTRICTED, (long) port), "198.51.100.77", port);
                List<ServerHarness.Sent> sent = server.sent();
                answered += sent.size();
                sent.forEach(s -> s.packet().release());
            }
            assertThat(answered).isEqualTo(5);
            assertThat(server.dropped(DropReason.RA_DESTINATION_LIMITED)).isEqualTo(SOURCES - 5);
            assertThat(server.dropped(DropReason.RA_RATE_LIMITED))
                    .as("the global budget left to others")
                    .isZero();

            server.receive(rs(RS_RESTRICTED, 1L), "203.0.113.5", 1234);
            assertThat(server.sentOne().packet().release())
                    .as("a real client, same second")
                    .isTrue();
            server.now++;
            server.receive(rs(RS_RESTRICTED, 2L), "198.51.100.77", 40_000);
            assertThat(server.sentOne().packet().release())
                    .as("the victim's next second")
                    .isTrue();
            assertThat(Footprint.of(handlers(server))).isEqualTo(before);
        }
    }

    /**
     * ra-per-destination bounds what the server as a whole sends one victim: RSs spoofed from it to both
     * addresses, with the cone bit (answered from the other address, R-5.3.2-cone) and without, share one
     * budget, so neither address sends it more than the value and both together not more either.
     */
    @Test
    void thePerDestinationBudgetCoversBothAddressesTogether() {
        ServerSettings settings = Packets.labSettings().withRaPerDestination(5, 1024);
        try (ServerHarness server = new ServerHarness(settings)) {
            int[] from = new int[2];
            for (int port = 1; port <= 1_000; port++) {
                ServerEndpoint on = port % 2 == 0 ? ServerEndpoint.PRIMARY : ServerEndpoint.SECONDARY;
                server.receive(on, rs(port % 4 < 2 ? RS_CONE : RS_RESTRICTED, (long) port), "198.51.100.77", port);
                for (ServerHarness.Sent ra : server.sent()) {
                    from[ra.from().ordinal()]++;
                    ra.packet().release();
                }
            }
            assertThat(from[0] + from[1])
                    .as("RAs towards the victim from both addresses")
                    .isEqualTo(5);
            assertThat(server.dropped(DropReason.RA_DESTINATION_LIMITED)).isEqualTo(1_000 - 5);
        }
    }

    /**
     * ra-per-destination and forward-per-destination are the server's bounds, not each event loop's: a victim's
     * spoofed RSs and the bubbles aimed at it, reaching the sockets of two loops, get the value a second between
     * them. Before, each loop had a table of its own with its share, rounded up (3 of 5 with two loops: 6 in all).
     */
    @Test
    void thePerDestinationBudgetsAreTheWholeServersAcrossItsEventLoops() {
        ServerSettings settings =
                Packets.labSettings().withRaPerDestination(5, 1024).withForwardBudgets(0, 5);
        try (ServerHarness server = new ServerHarness(settings)) {
            server.secondLoop();
            int ras = 0;
            int forwarded = 0;
            for (int port = 1; port <= 400; port++) {
                ServerEndpoint on = port % 4 < 2 ? ServerEndpoint.PRIMARY : ServerEndpoint.SECONDARY;
                ByteBuf rs = rs(RS_RESTRICTED, (long) port);
                ByteBuf bubble = Packets.bubble(
                        Packets.v6("2001:db8:66::" + Integer.toHexString(port)),
                        Packets.teredo(Packets.PRIMARY, 0, "198.51.100.77", port));
                if (port % 2 == 0) {
                    server.receive(on, rs, "198.51.100.77", port);
                    server.receive(on, bubble, "203.0.113.66", 4444);
                } else {
                    server.receiveOnSecondLoop(on, rs, "198.51.100.77", port);
                    server.receiveOnSecondLoop(on, bubble, "203.0.113.66", 4444);
                }
                for (ServerHarness.Sent sent : server.sent()) {
                    // To the victim: an RA (above 100 bytes with its origin indication) or a bubble (48 bytes).
                    if (sent.recipient().getPort() == port) {
                        if (sent.content().readableBytes() > 61) {
                            ras++;
                        } else {
                            forwarded++;
                        }
                    }
                    sent.packet().release();
                }
            }
            assertThat(ras).as("RAs towards the victim from both loops").isEqualTo(5);
            assertThat(forwarded)
                    .as("packets forwarded to the victim from both loops")
                    .isEqualTo(5);
            assertThat(server.dropped(DropReason.RA_DESTINATION_LIMITED)).isEqualTo(400 - 5);
            assertThat(server.dropped(DropReason.FORWARD_DESTINATION_LIMITED)).isEqualTo(400 - 5);
        }
    }

    /**
     * The reflection blackbox17b found (RFC 4380 §5.3.1 rule 6, and rule 5 from the sender's own mapping): bubbles
     * from one host, without forging anything, to Teredo addresses that embed a victim's IPv4 on many ports were all
     * forwarded there, with an origin indication (1.12 bytes out per byte in). Now the victim gets the
     * per-destination budget a second, the rest counted as forward_destination_limited, while a relay's bubble to a
     * real client in the same second is forwarded: the flood spent nothing of the server's budget.
     */
    @Test
    void aPerDestinationBudgetCapsForwardedPacketsAtOneVictimAndSparesRealClients() {
        ServerSettings settings = Packets.labSettings().withForwardBudgets(100, 5);
        long[] attacker = Packets.teredo("203.0.113.120", 0, "203.0.113.66", 4444);
        try (ServerHarness server = new ServerHarness(settings)) {
            long before = Footprint.of(handlers(server));
            int forwarded = 0;
            for (int port = 1; port <= 1_000; port++) {
                // Rule 6: any native source to an address naming this server; rule 5: our own mapping to any.
                ByteBuf in = port % 2 == 0
                        ? Packets.bubble(
                                Packets.v6("2001:db8:66::" + Integer.toHexString(port)),
                                Packets.teredo(Packets.PRIMARY, 0, "198.51.100.77", port))
                        : Packets.bubble(attacker, Packets.teredo("203.0.113.120", 0, "198.51.100.77", port));
                server.receive(in, "203.0.113.66", 4444);
                List<ServerHarness.Sent> sent = server.sent();
                forwarded += sent.size();
                sent.forEach(s -> s.packet().release());
            }
            assertThat(forwarded).isEqualTo(5);
            assertThat(server.dropped(DropReason.FORWARD_DESTINATION_LIMITED)).isEqualTo(1_000 - 5);
            assertThat(server.dropped(DropReason.FORWARD_RATE_LIMITED))
                    .as("the server's budget left to others")
                    .isZero();

            server.receive(
                    Packets.bubble(Packets.v6("fe80::1234:5678:9abc:def0"), Packets.CLIENT), Packets.RELAY, 3545);
            assertThat(server.sentOne().packet().release())
                    .as("a relay's bubble to a real client, same second")
                    .isTrue();
            server.now++;
            server.receive(
                    Packets.bubble(attacker, Packets.teredo("203.0.113.120", 0, "198.51.100.77", 9)),
                    "203.0.113.66",
                    4444);
            assertThat(server.sentOne().packet().release())
                    .as("the victim's next second")
                    .isTrue();
            assertThat(server.count(Counter.SERVER_FORWARDED_BUBBLES)).isEqualTo(5 + 2);
            assertThat(Footprint.of(handlers(server))).isEqualTo(before);
        }
    }

    /**
     * forward-per-second bounds what the server forwards in all, whichever destinations and sockets: bubbles and
     * echo messages to 200 victims, half through each address, get 10 a second, the rest counted as
     * forward_rate_limited; the next second 10 more.
     */
    @Test
    void theForwardBudgetCapsWhatTheServerForwardsInAll() {
        ServerSettings settings = Packets.labSettings().withForwardBudgets(10, 0);
        try (ServerHarness server = new ServerHarness(settings)) {
            int forwarded = 0;
            for (int second = 0; second < 2; second++) {
                for (int n = 1; n <= 100; n++) {
                    long[] victim = Packets.teredo(Packets.PRIMARY, 0, "198.51.100." + (100 + n), 1000 + second);
                    ByteBuf in = n % 3 == 0
                            ? Packets.echo(Packets.NATIVE, victim, true, 16)
                            : Packets.bubble(Packets.NATIVE, victim);
                    server.receive(
                            n % 2 == 0 ? ServerEndpoint.PRIMARY : ServerEndpoint.SECONDARY, in, Packets.RELAY, 3545);
                    List<ServerHarness.Sent> sent = server.sent();
                    forwarded += sent.size();
                    sent.forEach(s -> s.packet().release());
                }
                assertThat(forwarded).as("second " + second).isEqualTo(10 * (second + 1));
                server.now++;
            }
            assertThat(server.dropped(DropReason.FORWARD_RATE_LIMITED)).isEqualTo(2 * 90);
            assertThat(server.dropped(DropReason.FORWARD_DESTINATION_LIMITED)).isZero();
        }
    }

    /**
     * Stateless by construction: no class of the server or the mire has a mutable reference field, or a
     * collection, that could hold per-client state. (ServerDataPath/MireDataPath keep one counters object
     * per channel, added only when the daemon wires a channel.)
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "org.jmiredo.engine.server.ServerRules", "org.jmiredo.engine.server.RouterAdvertiser",
                "org.jmiredo.engine.server.Forwarder", "org.jmiredo.engine.PerSecondBudget",
                "org.jmiredo.engine.server.MireRules", "org.jmiredo.engine.server.ServerSettings",
                "org.jmiredo.pipeline.server.ServerDatagramHandler", "org.jmiredo.pipeline.server.DecodingHandler",
                "org.jmiredo.pipeline.server.ServerUdpOutput", "org.jmiredo.pipeline.server.MireHandler",
            })
    void noFieldCanHoldPerClientState(String className) throws ClassNotFoundException {
        for (Field f : Class.forName(className).getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            assertThat(f.getType().isPrimitive() || Modifier.isFinal(f.getModifiers()))
                    .as("%s is primitive or final", f)
                    .isTrue();
            assertThat(Collection.class.isAssignableFrom(f.getType())
                            || Map.class.isAssignableFrom(f.getType())
                            || f.getType().isArray())
                    .as("%s is no container", f)
                    .isFalse();
        }
    }

    /** The harness's leak check itself can fail: a buffer kept by the data path would be caught. */
    @Test
    void trackingAllocatorCatchesALeak() {
        TrackingAllocator allocator = new TrackingAllocator();
        ByteBuf kept = allocator.ioBuffer(10);
        assertThat(allocator.allocations()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(allocator::assertAllReleased)
                .isInstanceOf(AssertionError.class);
        assertThat(kept.refCnt())
                .as("released by the check, so the next case starts clean")
                .isZero();
        allocator.assertAllReleased();
    }

    private static Object[] handlers(ServerHarness server) {
        return new Object[] {
            server.primary.pipeline().get(ServerDataPath.HANDLER_NAME),
            server.secondary.pipeline().get(ServerDataPath.HANDLER_NAME),
            server.dataPath,
        };
    }

    private static int globalIpv4(SplittableRandom random) {
        int ip;
        do {
            ip = random.nextInt();
        } while (!Ipv4.isGlobalUnicast(ip)
                || ip == Packets.ipv4(Packets.PRIMARY)
                || ip == Packets.ipv4(Packets.SECONDARY));
        return ip;
    }
}
