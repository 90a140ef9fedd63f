package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.TeredoAddress;

/**
 * One relay event loop driven by hand: an {@link EmbeddedChannel} as the UDP socket, a list as the
 * tunnel, and a clock the test moves. Everything the relay sends is captured for exact assertions.
 */
final class RelayHarness implements AutoCloseable {
    static final InetSocketAddress RELAY = new InetSocketAddress(ip("198.51.100.3"), 3545);

    int now = 1_000;
    final RelayDataPath dataPath;
    final EmbeddedChannel udp = new EmbeddedChannel();
    final List<ByteBuf> tunWritten = new ArrayList<>();
    final UdpIngress ingress;

    RelayHarness(RelaySettings settings, PeerTableSettings peers) {
        dataPath = new RelayDataPath(settings, peers, () -> now);
        ingress = dataPath.initUdpChannel(udp, packet -> tunWritten.add(packet.copy()));
    }

    RelayHarness() {
        this(RelaySettings.defaults(), PeerTableSettings.defaults());
    }

    /** A datagram from {@code ipv4:port} arriving at the relay's socket. */
    void receiveUdp(ByteBuf payload, String ipv4, int port) {
        udp.writeInbound(new DatagramPacket(payload, RELAY, new InetSocketAddress(ip(ipv4), port)));
        udp.runPendingTasks();
    }

    /**
     * Datagrams arriving in one read, as the transport's own recvmmsg hands them over: {@code senders[i]}
     * is {@code "ipv4:port"} of {@code payloads[i]}.
     */
    void receiveUdpBurst(List<ByteBuf> payloads, String... senders) {
        int n = payloads.size();
        int[] ipv4 = new int[n];
        int[] port = new int[n];
        for (int i = 0; i < n; i++) {
            String[] parts = senders[i].split(":");
            ipv4[i] = Ipv4.of(ip(parts[0]).getAddress());
            port[i] = Integer.parseInt(parts[1]);
        }
        ingress.receive(payloads.toArray(ByteBuf[]::new), ipv4, port, n);
        ingress.burstEnd();
    }

    /** An IPv6 packet read from the tunnel, as one read burst. */
    void readTun(ByteBuf packet) {
        var receiver = dataPath.tunReceiver(udp, p -> true);
        receiver.packetRead(packet);
        receiver.readComplete();
    }

    /** IPv6 packets read from the tunnel in one read burst, in order. */
    void readTunBurst(List<ByteBuf> packets) {
        var receiver = dataPath.tunReceiver(udp, p -> true);
        packets.forEach(receiver::packetRead);
        receiver.readComplete();
    }

    /** The next datagram the relay sent, or null. */
    /**
     * Makes {@code peer} trusted at {@code ipv4:port} and proved, as by a real exchange: a native packet to it
     * waits while the indirect bubble goes out, and the peer's keyed answer from there releases it. Everything sent
     * is released; nothing else may be pending.
     */
    void prove(long[] peer, String ipv4, int port) {
        readTun(ipv6(v6("2001:db8:6::20"), peer, 8));
        DatagramPacket indirect = sentUdp();
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();
        receiveUdp(bubble(peer, ours), ipv4, port);
        allSentUdp().forEach(DatagramPacket::release); // what the answer released
    }

    DatagramPacket sentUdp() {
        return udp.readOutbound();
    }

    List<DatagramPacket> allSentUdp() {
        List<DatagramPacket> all = new ArrayList<>();
        DatagramPacket p;
        while ((p = udp.readOutbound()) != null) {
            all.add(p);
        }
        return all;
    }

    long count(Counter counter) {
        return dataPath.counters().stream().mapToLong(c -> c.get(counter)).sum();
    }

    long dropped(DropReason reason) {
        return dataPath.counters().stream().mapToLong(c -> c.dropped(reason)).sum();
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A Teredo address: server IPv4, flags, mapped IPv4 and port (RFC 4380 §4). */
    static long[] teredo(String server, int flags, String mapped, int port) {
        int serverIp = Ipv4.of(ip(server).getAddress());
        int mappedIp = Ipv4.of(ip(mapped).getAddress());
        return new long[] {TeredoAddress.hi(0x2001_0000, serverIp), TeredoAddress.lo(flags, port, mappedIp)};
    }

    static long[] v6(String text) {
        InetAddress a = ip(text);
        return new long[] {TeredoAddress.hiOf(a), TeredoAddress.loOf(a)};
    }

    /** An IPv6 packet with next header 58 (ICMPv6 echo request shape) and {@code payloadLength} bytes of payload. */
    static ByteBuf ipv6(long[] src, long[] dst, int payloadLength) {
        ByteBuf buf = Unpooled.buffer(40 + payloadLength);
        buf.writeInt(0x6000_0000);
        buf.writeShort(payloadLength);
        buf.writeByte(58);
        buf.writeByte(64);
        buf.writeLong(src[0]).writeLong(src[1]).writeLong(dst[0]).writeLong(dst[1]);
        buf.writeByte(128);
        for (int i = 1; i < payloadLength; i++) {
            buf.writeByte(i);
        }
        return buf;
    }

    static ByteBuf bubble(long[] src, long[] dst) {
        ByteBuf buf = Unpooled.buffer(40);
        buf.writeInt(0x6000_0000).writeShort(0).writeByte(59).writeByte(0);
        buf.writeLong(src[0]).writeLong(src[1]).writeLong(dst[0]).writeLong(dst[1]);
        return buf;
    }

    @Override
    public void close() {
        tunWritten.forEach(ByteBuf::release);
        allSentUdp().forEach(DatagramPacket::release);
        udp.finishAndReleaseAll();
        dataPath.close();
    }
}
