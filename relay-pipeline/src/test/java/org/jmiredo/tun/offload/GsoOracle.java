package org.jmiredo.tun.offload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The test's own model of what the kernel does with a GSO super-packet written into a TUN (tcp_gso_segment,
 * __udp_gso_segment): checks the layout {@code TunQueue.writeSegmented} promises, then cuts it into
 * segments that copy its headers, with TCP sequence numbers advanced, PSH and FIN on the last segment only,
 * CWR on the first only, per-segment lengths and fresh checksums. Independent of the code under test.
 */
public final class GsoOracle {
    private GsoOracle() {}

    public static List<byte[]> split(byte[] sp, int protocol, int segmentSize) {
        assertThat(sp[0] >>> 4 & 0xF).as("IPv6").isEqualTo(6);
        assertThat(sp[6] & 0xFF).as("next header: no extension headers").isEqualTo(protocol);
        int l4 = sp.length - 40;
        assertThat(u16(sp, 4)).as("payload length of the whole super-packet").isEqualTo(l4);
        assertThat(l4).isLessThanOrEqualTo(0xFFFF);
        int header = protocol == GroTestPackets.TCP ? (sp[40 + 12] >>> 4 & 0xF) * 4 : 8;
        int checksumAt = 40 + (protocol == GroTestPackets.TCP ? 16 : 6);
        assertThat(u16(sp, checksumAt))
                .as("partial checksum: folded pseudo-header sum, not complemented")
                .isEqualTo(pseudoHeaderSum(sp, protocol, l4));
        int payload = l4 - header;
        assertThat(segmentSize).isPositive();
        assertThat(payload).as("more than one segment").isGreaterThan(segmentSize);
        List<byte[]> out = new ArrayList<>();
        int segments = (payload + segmentSize - 1) / segmentSize;
        for (int i = 0; i < segments; i++) {
            int from = 40 + header + i * segmentSize;
            int length = Math.min(segmentSize, sp.length - from);
            byte[] s = new byte[40 + header + length];
            System.arraycopy(sp, 0, s, 0, 40 + header);
            System.arraycopy(sp, from, s, 40 + header, length);
            put16(s, 4, header + length);
            if (protocol == GroTestPackets.TCP) {
                put32(s, 44, u32(sp, 44) + (long) i * segmentSize);
                if (i < segments - 1) {
                    s[53] &= (byte) ~(GroTestPackets.PSH | GroTestPackets.FIN);
                }
                if (i > 0) {
                    s[53] &= (byte) ~GroTestPackets.CWR;
                }
            } else {
                put16(s, 44, header + length);
            }
            put16(s, checksumAt, 0);
            GroTestPackets.withChecksum(s, checksumAt);
            out.add(s);
        }
        return out;
    }

    private static int pseudoHeaderSum(byte[] p, int protocol, int l4) {
        long sum = l4 + protocol;
        for (int i = 8; i < 40; i += 2) {
            sum += u16(p, i);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** A readable form for assertion messages. */
    public static String describe(byte[] p) {
        byte[] head = Arrays.copyOf(p, Math.min(p.length, 64));
        return "len=" + p.length + " nh=" + (p.length > 6 ? p[6] & 0xFF : -1) + " " + Arrays.toString(head);
    }

    private static int u16(byte[] p, int at) {
        return (p[at] & 0xFF) << 8 | p[at + 1] & 0xFF;
    }

    private static long u32(byte[] p, int at) {
        return (long) u16(p, at) << 16 | u16(p, at + 2);
    }

    private static void put16(byte[] p, int at, int v) {
        p[at] = (byte) (v >>> 8);
        p[at + 1] = (byte) v;
    }

    private static void put32(byte[] p, int at, long v) {
        put16(p, at, (int) (v >>> 16) & 0xFFFF);
        put16(p, at + 2, (int) v & 0xFFFF);
    }
}
