package org.jmiredo.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jmiredo.proto.Ipv6Prefix;
import org.jmiredo.proto.TeredoAddress;
import org.junit.jupiter.api.Test;

/** The range a relay serves (RFC 4380 §5.4.2, relay.served-prefixes) and the prefixes it is written in. */
class ServedPrefixesTest {
    @Test
    void theDefaultServesEveryDestinationButUniqueLocalOnes_R_5_4_2_dst() throws Exception {
        ServedPrefixes all = ServedPrefixes.defaults();
        assertThat(serves(all, "2001:db8:6::20")).isTrue();
        assertThat(serves(all, "2a00::1")).isTrue();
        assertThat(serves(all, "fbff:ffff::1")).isTrue();
        assertThat(serves(all, "fe00::1")).isTrue(); // fe00::/9: not fc00::/7 (link-local is refused before)
        assertThat(serves(all, "fc00::1")).isFalse();
        assertThat(serves(all, "fd12:3456:789a::1")).isFalse();
        assertThat(serves(all, "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).isFalse();
        assertThat(ServedPrefixes.of(List.of())).isSameAs(all);
    }

    @Test
    void aListServesOnlyWhatItsPrefixesHoldUniqueLocalIncludedWhenListed_R_5_4_2_dst() throws Exception {
        ServedPrefixes served = ServedPrefixes.of(List.of(
                Ipv6Prefix.parse("2001:db8:6::/64"),
                Ipv6Prefix.parse("fd00:1::/32"),
                Ipv6Prefix.parse("2001:db8:ff::7/128")));
        assertThat(serves(served, "2001:db8:6::20")).isTrue();
        assertThat(serves(served, "2001:db8:6:0:ffff:ffff:ffff:ffff")).isTrue();
        assertThat(serves(served, "2001:db8:6:1::20")).isFalse();
        assertThat(serves(served, "2001:db8:99::1")).isFalse();
        assertThat(serves(served, "fd00:1:2::3")).isTrue();
        assertThat(serves(served, "fd00:2::3")).isFalse();
        assertThat(serves(served, "2001:db8:ff::7")).isTrue();
        assertThat(serves(served, "2001:db8:ff::8")).isFalse();
        assertThat(ServedPrefixes.of(List.of(Ipv6Prefix.parse("::/0"))).serves(0xFD00L << 48, 1))
                .isTrue();
    }

    /** The masks against a slow reference: BigInteger-free, bit by bit, for random prefixes of every length. */
    @Test
    void containmentMatchesABitByBitReference() {
        SplittableRandom random = new SplittableRandom(18);
        for (int n = 0; n < 20_000; n++) {
            int length = random.nextInt(129);
            long hi = random.nextLong() & Ipv6Prefix.maskHi(length);
            long lo = random.nextLong() & Ipv6Prefix.maskLo(length);
            Ipv6Prefix prefix = new Ipv6Prefix(hi, lo, length);
            long addrHi =
                    random.nextBoolean() ? hi | (random.nextLong() & ~Ipv6Prefix.maskHi(length)) : random.nextLong();
            long addrLo =
                    random.nextBoolean() ? lo | (random.nextLong() & ~Ipv6Prefix.maskLo(length)) : random.nextLong();
            if (random.nextInt(4) == 0 && length > 0) { // flip one bit inside the prefix
                int bit = random.nextInt(length);
                if (bit < 64) {
                    addrHi ^= 1L << (63 - bit);
                } else {
                    addrLo ^= 1L << (127 - bit);
                }
            }
            boolean expected = true;
            for (int bit = 0; bit < length; bit++) {
                long a = bit < 64 ? addrHi >>> (63 - bit) : addrLo >>> (127 - bit);
                long p = bit < 64 ? hi >>> (63 - bit) : lo >>> (127 - bit);
                expected &= (a & 1) == (p & 1);
            }
            assertThat(prefix.contains(addrHi, addrLo))
                    .as("%s %x %x", prefix, addrHi, addrLo)
                    .isEqualTo(expected);
            assertThat(ServedPrefixes.of(List.of(prefix)).serves(addrHi, addrLo))
                    .isEqualTo(expected);
        }
    }

    @Test
    void prefixesParseAndPrintInTheirShortForm() {
        assertThat(Ipv6Prefix.parse("2001:db8:6::/64"))
                .isEqualTo(new Ipv6Prefix(0x2001_0db8_0006_0000L, 0, 64))
                .hasToString("2001:db8:6::/64");
        assertThat(Ipv6Prefix.parse(" 2001:DB8::1 ")).hasToString("2001:db8::1/128");
        assertThat(Ipv6Prefix.parse("::/0")).hasToString("::/0");
        assertThat(Ipv6Prefix.parse("fd00:0:0:1::/64")).hasToString("fd00:0:0:1::/64");
        assertThat(Ipv6Prefix.parse("2001:0:1:0:0:1::/96")).hasToString("2001:0:1::1:0:0/96");
        assertThat(Ipv6Prefix.parse("1:0:2:0:3:0:4:0/128")).hasToString("1:0:2:0:3:0:4:0/128");
    }

    @Test
    void badPrefixesAreRefusedNamingWhatWasWritten() {
        assertThatThrownBy(() -> Ipv6Prefix.parse("2001:db8:6::1/64"))
                .hasMessage("has bits set after the first 64, got \"2001:db8:6::1/64\"");
        assertThatThrownBy(() -> Ipv6Prefix.parse("2001:db8::/129")).hasMessageContaining("a length of 0 to 128");
        assertThatThrownBy(() -> Ipv6Prefix.parse("2001:db8::/")).hasMessageContaining("\"2001:db8::/\"");
        assertThatThrownBy(() -> Ipv6Prefix.parse("198.51.100.0/24")).hasMessageContaining("\"198.51.100.0/24\"");
        assertThatThrownBy(() -> Ipv6Prefix.parse("example.org/48")).hasMessageContaining("\"example.org/48\"");
        assertThatThrownBy(() -> Ipv6Prefix.parse("2001:db8::/-1")).hasMessageContaining("a length of 0 to 128");
    }

    @Test
    void atMostSixtyFourPrefixes() {
        List<Ipv6Prefix> many = new ArrayList<>();
        for (int i = 0; i <= ServedPrefixes.MAX; i++) {
            many.add(new Ipv6Prefix(0x2001_0db8_0000_0000L + ((long) i << 16), 0, 48));
        }
        assertThatThrownBy(() -> ServedPrefixes.of(many)).hasMessageContaining("at most 64");
        assertThat(ServedPrefixes.of(many.subList(0, ServedPrefixes.MAX)).prefixes())
                .hasSize(64);
    }

    private static boolean serves(ServedPrefixes served, String address) throws Exception {
        InetAddress a = InetAddress.getByName(address);
        return served.serves(TeredoAddress.hiOf(a), TeredoAddress.loOf(a));
    }
}
