package org.jmiredo.proto;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed 64-bit hash
 * made for short inputs, written here from the paper's description. The 128-bit key is two longs,
 * {@code k0} = key bytes 0-7 and {@code k1} = bytes 8-15, each read little-endian as the paper does.
 */
public final class SipHash {
    private SipHash() {}

    // "somepseudorandomlygeneratedbytes", the paper's initialisation constants.
    private static final long C0 = 0x736f_6d65_7073_6575L;
    private static final long C1 = 0x646f_7261_6e64_6f6dL;
    private static final long C2 = 0x6c79_6765_6e65_7261L;
    private static final long C3 = 0x7465_6462_7974_6573L;

    /** The hash of {@code length} bytes of {@code data} from {@code offset}. */
    public static long hash(long k0, long k1, byte[] data, int offset, int length) {
        long v0 = k0 ^ C0;
        long v1 = k1 ^ C1;
        long v2 = k0 ^ C2;
        long v3 = k1 ^ C3;
        int end = offset + (length & ~7);
        for (int i = offset; i < end; i += 8) {
            long m = littleEndian(data, i, 8);
            v3 ^= m;
            for (int r = 0; r < 2; r++) { // c = 2 compression rounds
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13);
                v1 ^= v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16);
                v3 ^= v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21);
                v3 ^= v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17);
                v1 ^= v2;
                v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        long last = ((long) length << 56) | littleEndian(data, end, length & 7);
        return finish(v0, v1, v2, v3, last);
    }

    /**
     * The hash of a message shorter than 8 bytes without an array: {@code bytes} holds the message with
     * its first byte in the least significant position (little-endian), {@code length} is 0 to 7.
     */
    public static long hashShort(long k0, long k1, long bytes, int length) {
        if (length < 0 || length > 7) {
            throw new IllegalArgumentException("length " + length + " not in 0..7");
        }
        long mask = (1L << (8 * length)) - 1;
        return finish(k0 ^ C0, k1 ^ C1, k0 ^ C2, k1 ^ C3, ((long) length << 56) | (bytes & mask));
    }

    /**
     * The hash of the 16 bytes {@code hi} then {@code lo}, each in network order (an IPv6 address as two
     * longs), without an array: two compression blocks, then the length-only last block.
     */
    public static long hash16(long k0, long k1, long hi, long lo) {
        long v0 = k0 ^ C0;
        long v1 = k1 ^ C1;
        long v2 = k0 ^ C2;
        long v3 = k1 ^ C3;
        for (int block = 0; block < 2; block++) {
            long m = Long.reverseBytes(block == 0 ? hi : lo); // network order to SipHash's little-endian words
            v3 ^= m;
            for (int r = 0; r < 2; r++) { // c = 2 compression rounds
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13);
                v1 ^= v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16);
                v3 ^= v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21);
                v3 ^= v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17);
                v1 ^= v2;
                v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        return finish(v0, v1, v2, v3, 16L << 56);
    }

    /** Absorbs the last block {@code b} (length byte + tail), then the d = 4 finalisation rounds. */
    private static long finish(long v0, long v1, long v2, long v3, long b) {
        v3 ^= b;
        for (int r = 0; r < 6; r++) {
            if (r == 2) {
                v0 ^= b; // end of the last compression (2 rounds) ...
                v2 ^= 0xFF; // ... start of the finalisation (4 rounds)
            }
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13);
            v1 ^= v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16);
            v3 ^= v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21);
            v3 ^= v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17);
            v1 ^= v2;
            v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static long littleEndian(byte[] data, int offset, int count) {
        long v = 0;
        for (int i = count - 1; i >= 0; i--) {
            v = (v << 8) | (data[offset + i] & 0xFF);
        }
        return v;
    }
}
