package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.pipeline.RelayDataPath;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.tun.TunReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tunnel-to-UDP path's lock-free case (Transmission): a burst to a trusted peer already touched this
 * second takes no segment lock. Here, not in the pipeline's tests, because only this package sees the
 * segment's version, which every lock and unlock moves.
 */
class UnlockedSendsTest {
    static final long HI = TeredoAddress.hi(0x2001_0000, 0xC6336401);
    static final int MAPPED_IPV4 = 0xC6336414;
    static final int MAPPED_PORT = 40000;
    static final long LO = TeredoAddress.lo(0, MAPPED_PORT, MAPPED_IPV4);
    static final int PACKETS = PeerLookups.MAX + 8;

    int now = 1000;
    RelayDataPath path = new RelayDataPath(RelaySettings.defaults(), PeerTableSettings.defaults(), () -> now);
    EmbeddedChannel udp = new EmbeddedChannel();
    TunReceiver receiver = path.tunReceiver(udp, packet -> true);
    PeerTable.Segment segment;

    @AfterEach
    void close() {
        udp.finishAndReleaseAll();
        path.close();
    }

    @Test
    void aTrustedPeerTouchedThisSecondIsSentToWithoutTheLock() {
        trustPeer();

        assertThat(locksTakenByABurst())
                .as("the first packet touches the entry: its run is locked")
                .isEqualTo(PeerLookups.MAX);
        assertThat(locksTakenByABurst())
                .as("touched this second: nothing to write")
                .isZero();
        now++;
        assertThat(locksTakenByABurst())
                .as("a new second: touched again, under the lock")
                .isEqualTo(PeerLookups.MAX);
        assertThat(locksTakenByABurst()).isZero();
    }

    private void trustPeer() {
        PeerTable table = path.peers();
        long hash = table.hash(HI, LO);
        segment = table.segmentFor(hash);
        segment.lock();
        try {
            int slot = segment.insert(HI, LO, hash, now);
            segment.setTrusted(slot, true);
            segment.setMapping(slot, MAPPED_IPV4, MAPPED_PORT, 0);
            segment.setLastRx(slot, now);
        } finally {
            segment.unlock();
        }
    }

    /** Reads one burst of packets to the peer; checks they all left for its mapping; returns the locks taken. */
    private long locksTakenByABurst() {
        long before = segment.readStamp();
        for (int i = 0; i < PACKETS; i++) {
            ByteBuf packet = udp.alloc().directBuffer(128);
            Ipv6.writeHeader(packet, 8, 40, 17, 64, 0x2001_0db8_0000_0000L, 1, HI, LO);
            receiver.packetRead(packet.setIndex(8, 8 + Ipv6.HEADER_LENGTH + 40));
        }
        receiver.readComplete();
        for (int i = 0; i < PACKETS; i++) {
            DatagramPacket sent = udp.readOutbound();
            assertThat(sent.recipient().getPort()).isEqualTo(MAPPED_PORT);
            sent.release();
        }
        assertThat((Object) udp.readOutbound()).isNull();
        return (segment.readStamp() - before) / 2;
    }
}
