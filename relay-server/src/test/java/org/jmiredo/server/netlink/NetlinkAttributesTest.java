package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jmiredo.server.netlink.NetlinkBytes.attribute;
import static org.jmiredo.server.netlink.NetlinkBytes.concat;
import static org.jmiredo.server.netlink.NetlinkBytes.datagram;
import static org.jmiredo.server.netlink.NetlinkBytes.hex;
import static org.jmiredo.server.netlink.NetlinkBytes.text;
import static org.jmiredo.server.netlink.NetlinkBytes.u32;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class NetlinkAttributesTest {
    private static NetlinkAttributes parse(byte[] bytes) {
        ByteBuffer b = datagram(bytes);
        return NetlinkAttributes.parse(b, 0, b.limit());
    }

    @Test
    void readsValuesByTypeSkippingThePadding() {
        NetlinkAttributes a = parse(concat(
                attribute(3, text("teredo")),
                attribute(4, u32(1280)),
                attribute(1, hex("2001 0db8")),
                attribute(7, new byte[] {1})));
        assertThat(a.string(3)).contains("teredo");
        assertThat(a.u32(4)).hasValue(1280);
        assertThat(a.bytes(1)).hasValueSatisfying(b -> assertThat(b).containsExactly(0x20, 0x01, 0x0d, 0xb8));
        assertThat(a.u8(7)).hasValue(1);
        assertThat(a.has(9)).isFalse();
        assertThat(a.u32(9)).isEmpty();
        assertThat(a.string(9)).isEmpty();
        assertThat(a.u32(7)).as("too short for a u32").isEmpty();
    }

    @Test
    void nestedAttributesWithTheNestedFlagInTheirType() {
        int nested = 0x8000;
        NetlinkAttributes a = parse(
                attribute(18 | nested, concat(attribute(1, text("tun")), attribute(2 | nested, attribute(8, u32(4))))));
        assertThat(a.nested(18).string(1)).contains("tun");
        assertThat(a.nested(18).nested(2).u32(8)).hasValue(4);
        assertThat(a.nested(5).has(1)).as("a missing one is empty").isFalse();
    }

    @Test
    void aStringEndsAtItsFirstNul() {
        assertThat(parse(attribute(1, hex("41 42 00 43"))).string(1)).contains("AB");
        assertThat(parse(attribute(1, hex("41 42"))).string(1))
                .as("without one")
                .contains("AB");
    }

    @Test
    void aTypeGivenTwiceCountsAsTheLastOne() {
        assertThat(parse(concat(attribute(4, u32(1)), attribute(4, u32(2)))).u32(4))
                .hasValue(2);
    }

    @Test
    void aLengthPastTheEndOrShorterThanTheHeaderIsRefused() {
        assertThatThrownBy(() -> parse(hex("0900 0400 00000000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("malformed netlink attribute at 0: length 9");
        assertThatThrownBy(() -> parse(hex("0200 0400 00000000"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(parse(hex("08000400 00050000 0000")).u32(4))
                .as("a tail shorter than a header is padding")
                .hasValue(1280);
    }
}
