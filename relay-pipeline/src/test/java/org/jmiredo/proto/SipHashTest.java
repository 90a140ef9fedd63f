package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SipHashTest {
    private static final long K0 = 0x0706050403020100L; // key bytes 00..07, little-endian
    private static final long K1 = 0x0f0e0d0c0b0a0908L; // key bytes 08..0f

    private static byte[] counting(int length) {
        byte[] m = new byte[length];
        for (int i = 0; i < length; i++) {
            m[i] = (byte) i;
        }
        return m;
    }

    /** The test vector of the SipHash paper (appendix A): key 00..0f, message 00..0e. */
    @Test
    void paperVector() {
        assertThat(SipHash.hash(K0, K1, counting(15), 0, 15)).isEqualTo(0xa129ca6149be45e5L);
    }

    /**
     * Entries of the reference implementation's vector table (vectors.h) for the same key and messages
     * 00..(n-1), written as the digest's bytes in order (little-endian): the empty message, one byte,
     * 6 bytes (the size {@link BubbleSource} hashes), 7 (the longest tail) and one full block.
     */
    @ParameterizedTest(name = "length {0}")
    @CsvSource({
        "0, 310e0edd47db6f72",
        "1, fd67dc93c539f874",
        "6, cee3fe586e46c9cb",
        "7, 37d1018bf50002ab",
        "8, 6224939a79f5f593",
        "15, e545be4961ca29a1",
    })
    void referenceTableEntries(int length, String digestBytes) {
        long digest = SipHash.hash(K0, K1, counting(length), 0, length);
        assertThat(Long.reverseBytes(digest)).isEqualTo(Long.parseUnsignedLong(digestBytes, 16));
        if (length < 8) {
            long packed = 0;
            for (int i = length - 1; i >= 0; i--) {
                packed = packed << 8 | i;
            }
            assertThat(SipHash.hashShort(K0, K1, packed, length)).isEqualTo(digest);
        }
    }

    @Property
    void shortFormEqualsArrayForm(@ForAll long k0, @ForAll long k1, @ForAll @Size(max = 7) byte[] message) {
        long packed = 0;
        for (int i = message.length - 1; i >= 0; i--) {
            packed = packed << 8 | (message[i] & 0xFF);
        }
        assertThat(SipHash.hashShort(k0, k1, packed, message.length))
                .isEqualTo(SipHash.hash(k0, k1, message, 0, message.length));
    }

    @Property
    void offsetIntoArray(@ForAll long k0, @ForAll long k1, @ForAll @Size(max = 40) byte[] message) {
        byte[] shifted = new byte[message.length + 3];
        System.arraycopy(message, 0, shifted, 3, message.length);
        assertThat(SipHash.hash(k0, k1, shifted, 3, message.length))
                .isEqualTo(SipHash.hash(k0, k1, message, 0, message.length));
    }

    @Test
    void shortFormRejectsLongMessages() {
        assertThatThrownBy(() -> SipHash.hashShort(K0, K1, 0, 8)).isInstanceOf(IllegalArgumentException.class);
    }
}
