package org.jmiredo.tun.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.tun.offload.GroTestPackets.TCP;
import static org.jmiredo.tun.offload.GroTestPackets.UDP;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The ordering contract of coalescing, checked on the packets the kernel would see. */
public final class GroOrder {
    private GroOrder() {}

    /**
     * Asserts that {@code seen} holds exactly the packets of {@code sent}, byte for byte, and keeps the order
     * of every two packets that {@link #mustKeepOrder} relates.
     */
    public static void assertSamePacketsInFlowOrder(List<byte[]> sent, List<byte[]> seen) {
        assertThat(seen).hasSameSizeAs(sent);
        int[] position = positions(sent, seen);
        for (int i = 0; i < sent.size(); i++) {
            for (int j = i + 1; j < sent.size(); j++) {
                if (mustKeepOrder(sent.get(i), sent.get(j))) {
                    assertThat(position[i])
                            .as("packet %d before %d: %s", i, j, GsoOracle.describe(sent.get(i)))
                            .isLessThan(position[j]);
                }
            }
        }
    }

    /** Where each sent packet was seen (equal packets matched in order); fails if one was never seen. */
    private static int[] positions(List<byte[]> sent, List<byte[]> seen) {
        Map<ByteBuffer, ArrayDeque<Integer>> where = new HashMap<>();
        for (int i = 0; i < seen.size(); i++) {
            where.computeIfAbsent(ByteBuffer.wrap(seen.get(i)), k -> new ArrayDeque<>())
                    .add(i);
        }
        int[] position = new int[sent.size()];
        for (int i = 0; i < sent.size(); i++) {
            ArrayDeque<Integer> at = where.get(ByteBuffer.wrap(sent.get(i)));
            assertThat(at)
                    .as("sent packet %d reached the kernel unchanged: %s", i, GsoOracle.describe(sent.get(i)))
                    .isNotNull()
                    .isNotEmpty();
            position[i] = at.poll();
        }
        return position;
    }

    /**
     * Two packets whose order must hold: same addresses, and the same TCP or UDP flow, or one of them hides
     * its upper layer (extension header, malformed) so it might belong to any flow between those addresses.
     */
    static boolean mustKeepOrder(byte[] a, byte[] b) {
        if (!Arrays.equals(a, 8, 40, b, 8, 40)) {
            return false;
        }
        boolean flowA = hasPorts(a);
        boolean flowB = hasPorts(b);
        if (flowA && flowB) {
            return a[6] == b[6] && Arrays.equals(a, 40, 44, b, 40, 44);
        }
        return !flowA && !flowB || hidesUpperLayer(a) && hidesUpperLayer(b);
    }

    /** Not ICMPv6 nor No Next Header (RFC 8200 §4.7): what follows might be any flow's TCP or UDP. */
    private static boolean hidesUpperLayer(byte[] p) {
        return p[6] != 58 && p[6] != 59;
    }

    /** TCP or UDP with its ports present: a shorter one may belong to any flow between its addresses. */
    private static boolean hasPorts(byte[] p) {
        return (p[6] == TCP || p[6] == UDP) && p.length >= 44;
    }
}
