package org.jmiredo.peer;

import java.security.SecureRandom;

/**
 * SipHash-1-3 of a 128-bit address under a secret 128-bit key chosen per table.
 *
 * <p>Why a keyed PRF and not a plain mixer: a native IPv6 host may send to any Teredo address it likes
 * (RFC 4380 §7.3.5 asks relays to limit the state such hosts can create), so the addresses reaching the
 * table are attacker-chosen. With an unkeyed or weakly keyed mix, an attacker can precompute addresses
 * that land in one segment or one probe run. SipHash was designed for exactly this job (Aumasson and
 * Bernstein, "SipHash: a fast short-input PRF", 2012); SipHash-1-3 is what the Linux kernel's
 * {@code hsiphash} uses on 64-bit hosts for its hash tables, and Rust's standard HashMap uses too.
 *
 * <p>The input is the 16-byte message whose little-endian 64-bit words are {@code hi} and {@code lo};
 * the result equals the reference SipHash-1-3 of those 16 bytes (checked against a byte-wise version
 * of the reference in the tests). Cost: six SipRounds, a few nanoseconds, no allocation.
 */
final class PeerHash {
    /** The final block of a 16-byte message: length in the top byte, no tail bytes. */
    private static final long LENGTH_BLOCK = 16L << 56;

    private final long k0;
    private final long k1;

    PeerHash(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    static PeerHash random() {
        SecureRandom random = new SecureRandom();
        return new PeerHash(random.nextLong(), random.nextLong());
    }

    long hash(long hi, long lo) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        // Rounds 0-2 compress the three message blocks (c = 1); rounds 3-5 finalize (d = 3).
        for (int round = 0; round < 6; round++) {
            long m = round == 0 ? hi : round == 1 ? lo : round == 2 ? LENGTH_BLOCK : 0;
            if (round == 3) {
                v2 ^= 0xff;
            }
            v3 ^= m;
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13) ^ v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16) ^ v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21) ^ v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17) ^ v2;
            v2 = Long.rotateLeft(v2, 32);
            v0 ^= m;
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
