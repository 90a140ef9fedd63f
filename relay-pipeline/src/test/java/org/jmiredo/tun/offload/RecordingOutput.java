package org.jmiredo.tun.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;

/** A {@link GroOutput} that records each write (copied, then released) and re-splits super-packets with the oracle. */
final class RecordingOutput implements GroOutput {
    /** One write: a packet as it came, or a super-packet and the packets the kernel would cut from it. */
    record Write(byte[] bytes, int protocol, int segmentSize, int segments, int originalBytes, List<byte[]> packets) {
        boolean superPacket() {
            return segments > 1;
        }
    }

    final List<Write> writes = new ArrayList<>();

    @Override
    public void single(ByteBuf packet) {
        byte[] bytes = ByteBufUtil.getBytes(packet);
        packet.release();
        writes.add(new Write(bytes, 0, 0, 1, bytes.length, List.of(bytes)));
    }

    @Override
    public void segmented(ByteBuf superPacket, int protocol, int segmentSize, int segments, int originalBytes) {
        byte[] bytes = ByteBufUtil.getBytes(superPacket);
        superPacket.release();
        writes.add(new Write(
                bytes, protocol, segmentSize, segments, originalBytes, GsoOracle.split(bytes, protocol, segmentSize)));
    }

    /** Every packet the kernel would see, in write order. */
    List<byte[]> packets() {
        List<byte[]> all = new ArrayList<>();
        writes.forEach(w -> all.addAll(w.packets()));
        return all;
    }

    /** The number of packets in each write, in order: 1 for a packet written as it came. */
    List<Integer> shape() {
        return writes.stream().map(Write::segments).toList();
    }
}
