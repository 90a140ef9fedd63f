package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.jmiredo.metrics.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The UDP payload layout of RFC 4380 §5.1.1 and RFC 6081 §4 (CONFORMANCE §10.2-10.4). */
class TeredoHeadersTest {
    /** A bubble from a fe80:: source to the lab client (CONFORMANCE §10.5), written out by hand. */
    static final String BUBBLE =
            "60000000 0000 3b 00 fe800000000000000123456789abcdef 20010000c6336401000063bf39cc9beb";

    static final String AUTH = "0001 0000 0102030405060708 00";
    static final String ORIG = "0000 63bf 39cc9beb"; // 198.51.100.20:40000

    private final TeredoHeaders headers = new TeredoHeaders();

    private DropReason parse(String hex) {
        ByteBuf buf = Hex.buf(hex);
        try {
            return headers.parse(buf);
        } finally {
            buf.release();
        }
    }

    /** R-5.1.1-origfmt: known answers of CONFORMANCE §10.4, written and read back. */
    @ParameterizedTest(name = "{0}:{1} -> {2}")
    @CsvSource({"1.2.3.4, 337, 0000feaefefdfcfb", "198.51.100.20, 40000, 000063bf39cc9beb"})
    void originIndicationKnownAnswers(String ipv4, int port, String hex) {
        ByteBuf buf = Unpooled.buffer(8 + Bubble.LENGTH);
        try {
            TeredoHeaders.writeOrigin(buf, 0, Hex.ipv4(ipv4), port);
            assertThat(Hex.of(buf, 0, 8)).isEqualTo(hex);
            buf.writerIndex(8);
            buf.writeBytes(Hex.bytes(BUBBLE));
            assertThat(headers.parse(buf)).isNull();
            assertThat(headers.hasOrigin()).isTrue();
            assertThat(headers.originOffset()).isZero();
            assertThat(headers.originIpv4(buf)).isEqualTo(Hex.ipv4(ipv4));
            assertThat(headers.originPort(buf)).isEqualTo(port);
        } finally {
            buf.release();
        }
    }

    /** R-5.1.1-authfmt, R-5.1.1-authnull: the 13-byte header without credentials. */
    @Test
    void authWithoutCredentials() {
        ByteBuf buf = Unpooled.buffer(64);
        try {
            assertThat(TeredoHeaders.writeAuth(buf, 0, 0x0102030405060708L, 0)).isEqualTo(13);
            assertThat(Hex.of(buf, 0, 13)).isEqualTo(AUTH.replace(" ", ""));
            buf.writerIndex(13).writeBytes(Hex.bytes(BUBBLE));
            assertThat(headers.parse(buf)).isNull();
            assertThat(headers.hasAuth()).isTrue();
            assertThat(headers.authIdLength(buf)).isZero();
            assertThat(headers.authValueLength(buf)).isZero();
            assertThat(headers.authNonce(buf)).isEqualTo(0x0102030405060708L);
            assertThat(headers.authConfirmation(buf)).isZero();
            assertThat(headers.ipv6Offset()).isEqualTo(13);
        } finally {
            buf.release();
        }
    }

    /** R-5.1.1-authfmt: ID-len and AU-len > 0 are skipped by the right number of bytes. */
    @Test
    void authWithCredentialsIsSkipped() {
        String id = "aabbcc";
        String value = "11".repeat(20); // HMAC-SHA1 length
        ByteBuf buf = Hex.buf("0001 03 14" + id + value + "f0e0d0c0b0a09080 01" + BUBBLE);
        try {
            assertThat(headers.parse(buf)).isNull();
            assertThat(headers.authIdLength(buf)).isEqualTo(3);
            assertThat(headers.authValueLength(buf)).isEqualTo(20);
            assertThat(headers.authNonceOffset(buf)).isEqualTo(4 + 3 + 20);
            assertThat(headers.authNonce(buf)).isEqualTo(0xf0e0d0c0b0a09080L);
            assertThat(headers.authConfirmation(buf)).isEqualTo(1);
            assertThat(headers.ipv6Offset()).isEqualTo(13 + 23);
            assertThat(headers.ipv6Length()).isEqualTo(40);
        } finally {
            buf.release();
        }
    }

    /** R-5.1.1-demux: payloads starting 00 00, 00 01 and 60 are parsed; 00 02 is not Teredo. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"origin, " + ORIG + BUBBLE, "auth, " + AUTH + BUBBLE, "ipv6, " + BUBBLE})
    void demultiplexesKnownLayouts(String kind, String hex) {
        assertThat(parse(hex)).isNull();
        assertThat(headers.hasOrigin()).isEqualTo(kind.equals("origin"));
        assertThat(headers.hasAuth()).isEqualTo(kind.equals("auth"));
        assertThat(headers.ipv6Length()).isEqualTo(40);
    }

    static Stream<Arguments> malformedLayouts() {
        return Stream.of(
                arguments("0002 0000 0000 0000", DropReason.NOT_TEREDO), // R-5.1.1-demux: 00 02
                arguments("", DropReason.NOT_TEREDO),
                arguments("00", DropReason.NOT_TEREDO),
                arguments("70" + "00".repeat(39), DropReason.NOT_TEREDO), // version 7
                arguments(ORIG, DropReason.NOT_TEREDO), // origin indication and nothing after it
                arguments("0001 0000 01020304050607", DropReason.MALFORMED_TEREDO), // auth shorter than 13
                arguments("0001 0200 0102030405060708 00 60", DropReason.MALFORMED_TEREDO), // ID-len 2: 15 bytes needed
                arguments("0000 63bf 39", DropReason.MALFORMED_TEREDO), // origin shorter than 8
                arguments("0000 63bf 39cc9b", DropReason.MALFORMED_TEREDO), // origin one byte short
                arguments("0001 0000 0102030405060708", DropReason.MALFORMED_TEREDO), // auth one byte short
                arguments(AUTH + "0000 63bf 39cc9b", DropReason.MALFORMED_TEREDO), // origin after auth, short
                arguments("60", DropReason.MALFORMED_IPV6),
                arguments("60" + "00".repeat(38), DropReason.MALFORMED_IPV6), // 39-byte IPv6 header
                arguments(
                        "60000000 0008 3a ff" + "00".repeat(32) + "00000000",
                        DropReason.MALFORMED_IPV6), // plen 8, 4 follow
                // plen 0 but a next header (ICMPv6, hop-by-hop, UDP) announced: nothing to deliver, bubbles aside
                arguments("60000000 0000 3a ff" + "00".repeat(32), DropReason.MALFORMED_IPV6),
                arguments(ORIG + "60000000 0000 00 ff" + "00".repeat(32) + "3a00", DropReason.MALFORMED_IPV6),
                arguments("60000000 0000 11 ff" + "00".repeat(32) + "01 04 aabbccdd", DropReason.MALFORMED_IPV6));
    }

    /**
     * R-5.2.3-format, R-5.2.3-ipv6 (client), R-5.4.2-valid (relay): what is not an IPv6 packet, optionally behind
     * an origin indication and an authentication header, or whose payload length runs past the datagram, is
     * refused here, the parse every role runs before its rules (ClientIngress, RelayIngress, the server's).
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformedLayouts")
    void documentedReasons(String hex, DropReason reason) {
        assertThat(parse(hex)).isEqualTo(reason);
    }

    /** R-5.1.1-order: authentication first, then origin; the other order is not Teredo. */
    @Test
    void authenticationComesBeforeOrigin() {
        assertThat(parse(AUTH + ORIG + BUBBLE)).isNull();
        assertThat(headers.authOffset()).isZero();
        assertThat(headers.originOffset()).isEqualTo(13);
        assertThat(headers.ipv6Offset()).isEqualTo(21);

        assertThat(parse(ORIG + AUTH + BUBBLE)).isEqualTo(DropReason.NOT_TEREDO);
        assertThat(parse(AUTH + AUTH + BUBBLE)).isEqualTo(DropReason.NOT_TEREDO);
        assertThat(parse(ORIG + ORIG + BUBBLE)).isEqualTo(DropReason.NOT_TEREDO);
    }

    /**
     * R6081-4-consistent (R-5.2.3-ipv6 as RFC 6081 §4 updates it): bytes after 40 + plen are trailers,
     * tolerated and not part of the packet.
     */
    @Test
    void trailersAreToleratedAndExcluded() {
        assertThat(parse(ORIG + BUBBLE + "01 04 aabbccdd")).isNull();
        assertThat(headers.ipv6Offset()).isEqualTo(8);
        assertThat(headers.ipv6Length()).isEqualTo(40);
        assertThat(headers.trailerLength()).isEqualTo(6);

        String echo = "60000000 0008 3a 40" + "00".repeat(32) + "8000 0000 0001 0002";
        assertThat(parse(echo + "ff")).isNull();
        assertThat(headers.ipv6Length()).isEqualTo(48);
        assertThat(headers.trailerLength()).isEqualTo(1);
    }

    /** Offsets are absolute: a payload that starts after other bytes (reader index > 0). */
    @Test
    void offsetsAreAbsolute() {
        ByteBuf buf = Hex.buf("deadbeef" + AUTH + ORIG + BUBBLE);
        try {
            buf.readerIndex(4);
            assertThat(headers.parse(buf)).isNull();
            assertThat(headers.authOffset()).isEqualTo(4);
            assertThat(headers.originOffset()).isEqualTo(17);
            assertThat(headers.ipv6Offset()).isEqualTo(25);
            assertThat(headers.originPort(buf)).isEqualTo(40000);
            assertThat(buf.readerIndex()).isEqualTo(4); // parsing moves no index
        } finally {
            buf.release();
        }
    }

    @Test
    void failedParseLeavesNoStaleIpv6Offset() {
        assertThat(parse(AUTH + BUBBLE)).isNull();
        assertThat(parse("0002")).isEqualTo(DropReason.NOT_TEREDO);
        assertThat(headers.ipv6Offset()).isEqualTo(-1);
        assertThat(headers.ipv6Length()).isZero();
        assertThat(headers.hasAuth()).isFalse();
    }

    /** Never throws on any input, and agrees with a plain reading of CONFORMANCE §10.2 on what it returns. */
    @Property(tries = 3000)
    void neverThrowsAndMatchesTheLayoutRules(@ForAll("payloads") byte[] payload, @ForAll @IntRange(max = 3) int skip) {
        ByteBuf buf = Unpooled.buffer(skip + payload.length);
        try {
            buf.writerIndex(skip).writeBytes(payload).readerIndex(skip);
            DropReason reason = headers.parse(buf);
            Model expected = Model.of(payload);
            assertThat(reason).isEqualTo(expected.reason);
            if (reason == null) {
                assertThat(headers.hasAuth()).isEqualTo(expected.auth);
                assertThat(headers.hasOrigin()).isEqualTo(expected.origin);
                assertThat(headers.ipv6Offset()).isEqualTo(skip + expected.ipv6);
                assertThat(headers.ipv6Length()).isEqualTo(40 + Ipv6.payloadLength(buf, headers.ipv6Offset()));
                assertThat(headers.ipv6Offset() + headers.ipv6Length() + headers.trailerLength())
                        .isEqualTo(buf.writerIndex());
            }
        } finally {
            buf.release();
        }
    }

    /** Random bytes 0-1500 long, half of them starting with plausible Teredo headers so parsing gets deep. */
    @Provide
    Arbitrary<byte[]> payloads() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(1500);
        Arbitrary<byte[]> auth = Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(0)
                .ofMaxSize(40)
                .map(tail -> concat(new byte[] {0, 1, (byte) (tail.length % 5), (byte) (tail.length % 3)}, tail));
        Arbitrary<byte[]> origin =
                Arbitraries.bytes().array(byte[].class).ofMaxSize(10).map(tail -> concat(new byte[] {0, 0}, tail));
        Arbitrary<byte[]> ipv6 = Arbitraries.integers().between(0, 80).flatMap(plen -> Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(30)
                .ofMaxSize(140)
                .map(rest -> {
                    byte[] header = {0x60, 0, 0, 0, (byte) (plen >>> 8), (byte) (plen & 0xFF)};
                    return concat(header, rest);
                }));
        Arbitrary<byte[]> structured = Arbitraries.oneOf(auth, Arbitraries.just(new byte[0]))
                .flatMap(a -> Arbitraries.oneOf(origin, Arbitraries.just(new byte[0]))
                        .flatMap(o -> ipv6.map(i -> concat(concat(a, o), i))));
        // cut anywhere, so every boundary of every header is reached
        Arbitrary<byte[]> truncated = structured.flatMap(
                bytes -> Arbitraries.integers().between(0, bytes.length).map(n -> java.util.Arrays.copyOf(bytes, n)));
        return Arbitraries.oneOf(raw, structured, truncated);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** A slow reading of the rules over a byte array, to compare the flyweight with. */
    private record Model(DropReason reason, boolean auth, boolean origin, int ipv6) {
        static Model of(byte[] p) {
            int at = 0;
            boolean auth = false;
            boolean origin = false;
            if (p.length >= 2 && p[0] == 0 && p[1] == 1) {
                if (p.length < 13 || p.length < 13 + (p[2] & 0xFF) + (p[3] & 0xFF)) {
                    return new Model(DropReason.MALFORMED_TEREDO, false, false, -1);
                }
                auth = true;
                at = 13 + (p[2] & 0xFF) + (p[3] & 0xFF);
            }
            if (p.length - at >= 2 && p[at] == 0 && p[at + 1] == 0) {
                if (p.length - at < 8) {
                    return new Model(DropReason.MALFORMED_TEREDO, false, false, -1);
                }
                origin = true;
                at += 8;
            }
            if (p.length - at < 1 || (p[at] & 0xF0) != 0x60) {
                return new Model(DropReason.NOT_TEREDO, false, false, -1);
            }
            int plen = p.length - at < 40 ? -1 : (p[at + 4] & 0xFF) << 8 | (p[at + 5] & 0xFF);
            if (plen < 0 || 40 + plen > p.length - at || plen == 0 && p[at + 6] != 59) {
                return new Model(DropReason.MALFORMED_IPV6, false, false, -1);
            }
            return new Model(null, auth, origin, at);
        }
    }
}
