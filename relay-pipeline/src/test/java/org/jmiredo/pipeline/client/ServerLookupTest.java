package org.jmiredo.pipeline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.engine.server.Packets.ip;
import static org.jmiredo.engine.server.Packets.ipv4;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.server.Packets;
import org.jmiredo.testing.TrackingAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's host name looked up again after a failed round (as Miredo does when it loses its server), through
 * the lookup seam, on a qualification-only channel: one lookup per failed round, none while one is under way, and
 * new addresses taken for a round that starts at once; an unchanged or failed answer changes nothing.
 */
class ServerLookupTest {
    private static final String MOVED = "203.0.113.7";
    private static final String MOVED2 = "203.0.113.8";

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
    private final List<ServerLookup.Found> lookups = new ArrayList<>();
    private final RecordingStatus status = new RecordingStatus();
    private final List<String> reports = status.reports;
    private long millis = 5_000_000;

    ServerLookupTest() throws Exception {
        channel.config().setAllocator(allocator);
        new ClientDataPath(ServerSide.SETTINGS, status, null, 0, Clock.monotonic(), () -> millis, null)
                .lookUpServers(lookups::add)
                .initQualificationOnly(channel);
        channel.register();
        channel.freezeTime();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        allocator.assertAllReleased();
    }

    @Test
    void aFailedRoundLooksTheNameUpOnceAndANewAddressGetsARoundAtOnce() {
        assertThat(solicited()).containsExactly(ip(Packets.PRIMARY));
        assertThat(after(12))
                .as("two retransmissions, then the round fails")
                .containsExactly(ip(Packets.PRIMARY), ip(Packets.PRIMARY));
        assertThat(reports).containsExactly("unqualified NO_REPLY");
        assertThat(lookups).as("one lookup, off the loop").hasSize(1);

        lookups.getFirst().addresses(ipv4(MOVED), ipv4(MOVED2));
        channel.runPendingTasks();
        assertThat(reports).last().isEqualTo("servers " + ipv4(MOVED) + " " + ipv4(MOVED2));
        assertThat(solicited())
                .as("the server moved: a round there now, not in 100 s")
                .containsExactly(ip(MOVED));
        assertThat(after(12)).containsExactly(ip(MOVED), ip(MOVED));
        assertThat(lookups).as("the next failed round, the next lookup").hasSize(2);

        lookups.getLast().addresses(ipv4(MOVED), ipv4(MOVED2));
        channel.runPendingTasks();
        assertThat(solicited())
                .as("the same addresses: the wait after a failure stands")
                .isEmpty();
        assertThat(after(99)).isEmpty();
        assertThat(after(1)).containsExactly(ip(MOVED));
    }

    @Test
    void noSecondLookupWhileOneIsUnderWayAndAFailedOneChangesNothing() {
        solicited();
        after(12);
        assertThat(after(100)).as("the next round, to the same address").containsExactly(ip(Packets.PRIMARY));
        after(12);
        assertThat(reports).containsExactly("unqualified NO_REPLY", "unqualified NO_REPLY");
        assertThat(lookups).as("the first lookup has not answered").hasSize(1);

        lookups.getFirst().addresses(0, 0);
        channel.runPendingTasks();
        assertThat(solicited()).isEmpty();
        assertThat(reports).noneMatch(r -> r.startsWith("servers"));
        after(100);
        after(12);
        assertThat(lookups)
                .as("that one done, the next failed round looks up again")
                .hasSize(2);
    }

    /** Lets {@code seconds} pass and returns where the RS went meanwhile. */
    private List<InetAddress> after(int seconds) {
        List<InetAddress> sent = new ArrayList<>();
        for (int i = 0; i < seconds; i++) {
            millis += 1_000;
            channel.advanceTimeBy(1, TimeUnit.SECONDS);
            channel.runPendingTasks();
            sent.addAll(solicited());
        }
        return sent;
    }

    private List<InetAddress> solicited() {
        List<InetAddress> sent = new ArrayList<>();
        for (DatagramPacket rs; (rs = channel.readOutbound()) != null; rs.release()) {
            sent.add(rs.recipient().getAddress());
        }
        return sent;
    }
}
