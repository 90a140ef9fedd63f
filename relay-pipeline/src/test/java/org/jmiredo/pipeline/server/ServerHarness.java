package org.jmiredo.pipeline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.engine.server.Packets.ip;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jmiredo.engine.server.Packets;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.engine.server.ServerSettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.testing.TrackingAllocator;

/**
 * One server event loop driven by hand: two {@link EmbeddedChannel}s as the primary and secondary
 * sockets, a list as the native IPv6 output, and a clock the test moves. Every datagram handed in is
 * checked to have been released by the server; everything sent is captured, and released by
 * {@link #close}, which then checks that every buffer the server allocated was released.
 */
final class ServerHarness implements AutoCloseable {
    /** One datagram the server sent, with the socket it left from. */
    record Sent(ServerEndpoint from, DatagramPacket packet) {
        ByteBuf content() {
            return packet.content();
        }

        InetSocketAddress recipient() {
            return packet.recipient();
        }
    }

    int now = 1_000;
    boolean nativeAccepts = true;
    final ServerSettings settings;
    final ServerDataPath dataPath;
    final EmbeddedChannel primary = new EmbeddedChannel();
    final EmbeddedChannel secondary = new EmbeddedChannel();
    final List<ByteBuf> nativeWritten = new ArrayList<>();
    /** A second event loop's pair of sockets on the same data path, once {@link #secondLoop} made it. */
    EmbeddedChannel primary2;

    EmbeddedChannel secondary2;
    final TrackingAllocator allocator = new TrackingAllocator();

    ServerHarness(ServerSettings settings) {
        this.settings = settings;
        primary.config().setAllocator(allocator);
        secondary.config().setAllocator(allocator);
        dataPath = new ServerDataPath(settings, () -> now);
        dataPath.initChannels(primary, secondary, packet -> {
            if (nativeAccepts) {
                nativeWritten.add(packet.copy());
            }
            return nativeAccepts;
        });
    }

    ServerHarness() {
        this(Packets.labSettings());
    }

    /** Gives the server a second event loop: another pair of sockets on the same data path, as the daemon does. */
    void secondLoop() {
        primary2 = new EmbeddedChannel();
        secondary2 = new EmbeddedChannel();
        primary2.config().setAllocator(allocator);
        secondary2.config().setAllocator(allocator);
        dataPath.initChannels(primary2, secondary2, packet -> false);
    }

    /** As {@link #receive(ServerEndpoint, ByteBuf, String, int)} on the second loop's {@code on} socket. */
    void receiveOnSecondLoop(ServerEndpoint on, ByteBuf payload, String ipv4, int port) {
        receive(on == ServerEndpoint.PRIMARY ? primary2 : secondary2, on, payload, ipv4, port);
    }

    /** A datagram from {@code ipv4:port} to the {@code on} socket; asserts the server released it. */
    void receive(ServerEndpoint on, ByteBuf payload, String ipv4, int port) {
        receive(on == ServerEndpoint.PRIMARY ? primary : secondary, on, payload, ipv4, port);
    }

    private static void receive(EmbeddedChannel channel, ServerEndpoint on, ByteBuf payload, String ipv4, int port) {
        String local = on == ServerEndpoint.PRIMARY ? Packets.PRIMARY : Packets.SECONDARY;
        channel.writeInbound(new DatagramPacket(
                payload, new InetSocketAddress(ip(local), 3544), new InetSocketAddress(ip(ipv4), port)));
        assertThat(payload.refCnt()).as("the server released the datagram").isZero();
    }

    void receive(ByteBuf payload, String ipv4, int port) {
        receive(ServerEndpoint.PRIMARY, payload, ipv4, port);
    }

    /** Everything sent since the last call, primary socket first. */
    List<Sent> sent() {
        List<Sent> all = new ArrayList<>();
        drain(primary, ServerEndpoint.PRIMARY, all);
        drain(secondary, ServerEndpoint.SECONDARY, all);
        if (primary2 != null) {
            drain(primary2, ServerEndpoint.PRIMARY, all);
            drain(secondary2, ServerEndpoint.SECONDARY, all);
        }
        return all;
    }

    /** The one datagram sent since the last call (asserts there is exactly one). */
    Sent sentOne() {
        List<Sent> all = sent();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    /** Asserts nothing at all left the server, neither over UDP nor to native IPv6. */
    void assertSilent() {
        List<Sent> all = sent();
        all.forEach(s -> s.packet().release());
        assertThat(all).as("UDP sent").isEmpty();
        assertThat(nativeWritten).as("native IPv6 sent").isEmpty();
    }

    private static void drain(EmbeddedChannel channel, ServerEndpoint from, List<Sent> into) {
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            into.add(new Sent(from, (DatagramPacket) msg));
        }
    }

    long count(Counter counter) {
        return dataPath.counters().stream().mapToLong(c -> c.get(counter)).sum();
    }

    long dropped(DropReason reason) {
        return dataPath.counters().stream().mapToLong(c -> c.dropped(reason)).sum();
    }

    long totalDrops() {
        return Arrays.stream(DropReason.values()).mapToLong(this::dropped).sum();
    }

    @Override
    public void close() {
        sent().forEach(s -> s.packet().release());
        nativeWritten.forEach(ByteBuf::release);
        primary.finishAndReleaseAll();
        secondary.finishAndReleaseAll();
        if (primary2 != null) {
            primary2.finishAndReleaseAll();
            secondary2.finishAndReleaseAll();
        }
        allocator.assertAllReleased();
    }
}
