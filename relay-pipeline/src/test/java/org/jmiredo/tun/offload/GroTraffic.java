package org.jmiredo.tun.offload;

import static org.jmiredo.tun.offload.GroTestPackets.ACK;
import static org.jmiredo.tun.offload.GroTestPackets.FIN;
import static org.jmiredo.tun.offload.GroTestPackets.PSH;
import static org.jmiredo.tun.offload.GroTestPackets.SYN;
import static org.jmiredo.tun.offload.GroTestPackets.TCP;
import static org.jmiredo.tun.offload.GroTestPackets.UDP;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jmiredo.tun.offload.GroTestPackets.Flow;

/**
 * Random traffic on a few TCP and UDP flows from the given sources: mostly contiguous segments of one size
 * per flow, with gaps, short and long segments, PSH, other ACKs, other options, other hop limits, control
 * segments, ICMPv6, corrupt or zero checksums, extension headers and retransmissions mixed in.
 */
public final class GroTraffic {
    final Random random;
    final Flow[] flows;
    final int[] segment;
    final int[] seq;
    final int[] ack;
    final byte[][] options;
    byte[] previous;

    public GroTraffic(Random random, byte[][] sources, byte[] destination) {
        this.random = random;
        int n = 1 + random.nextInt(6);
        flows = new Flow[n];
        segment = new int[n];
        seq = new int[n];
        ack = new int[n];
        options = new byte[n][];
        for (int f = 0; f < n; f++) {
            int protocol = random.nextBoolean() ? TCP : UDP;
            flows[f] = new Flow(
                    sources[random.nextInt(sources.length)],
                    destination,
                    protocol,
                    1000 + random.nextInt(3),
                    443,
                    random.nextInt(4) == 0 ? 0x2e : 0,
                    64);
            segment[f] = random.nextInt(8) == 0 ? 1200 + random.nextInt(200) : 1 + random.nextInt(200);
            seq[f] = random.nextInt();
            ack[f] = random.nextInt();
            options[f] = random.nextBoolean() ? new byte[0] : new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
        }
    }

    public List<byte[]> packets(int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            previous = random.nextInt(50) == 0 && previous != null ? previous : next(random.nextInt(flows.length));
            out.add(previous);
        }
        return out;
    }

    byte[] next(int f) {
        Flow flow = flows[f];
        int size = segment[f];
        int flags = ACK;
        int dice = random.nextInt(100);
        if (dice < 8) {
            size = random.nextInt(size); // shorter, or empty
        } else if (dice < 12) {
            size += 1 + random.nextInt(20);
        } else if (dice < 16) {
            flags |= PSH;
        } else if (dice < 20) {
            seq[f] += 1 + random.nextInt(1000);
        } else if (dice < 23) {
            ack[f] += 1 + random.nextInt(3000);
        } else if (dice < 26) {
            flow = flow.withHopLimit(63);
        } else if (dice < 29) {
            flags = new int[] {SYN, ACK | FIN, SYN | ACK}[random.nextInt(3)];
        } else if (dice < 32) {
            options[f] = options[f].length == 0 ? options[f] : changedTimestamp(options[f]);
        } else if (dice < 35) {
            return GroTestPackets.icmp(flow, random.nextInt(0x10000));
        }
        byte[] payload = new byte[size];
        random.nextBytes(payload);
        byte[] p = flow.protocol() == TCP
                ? GroTestPackets.tcp(flow, seq[f], ack[f], flags, options[f], payload)
                : GroTestPackets.udp(flow, payload);
        seq[f] += size;
        int damage = random.nextInt(100);
        if (damage < 4 && size > 0) {
            return GroTestPackets.corrupt(p);
        } else if (damage < 6 && flow.protocol() == UDP) {
            return GroTestPackets.withChecksumField(p, 0);
        } else if (damage < 9) {
            return GroTestPackets.hopByHop(p);
        }
        return p;
    }

    byte[] changedTimestamp(byte[] old) {
        byte[] o = old.clone();
        o[7]++;
        return o;
    }
}
