package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jmiredo.server.netlink.NetlinkBytes.hex;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NetlinkMessageWriterTest {
    @BeforeAll
    static void littleEndian() {
        // The expected bytes are written for x86-64 and arm64, the platforms jmiredo ships for.
        assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void writesTheHeaderFieldsAndPaddedAttributesAndSetsTheLength() {
        ByteBuffer message = new NetlinkMessageWriter(64)
                .begin(0x12, 0x0301, 7)
                .u8(10)
                .u8(0)
                .u16(0x0102)
                .u32(0x0a0b0c0d)
                .attribute(1, new byte[] {1, 2, 3})
                .attributeU32(4, 1280)
                .attributeString(3, "t0")
                .finish();

        assertThat(hex(message))
                .isEqualTo("30000000" + "1200" + "0103" + "07000000" + "00000000" // length 48, type, flags, seq, port 0
                        + "0a000201" + "0d0c0b0a" // the family header
                        + "0700" + "0100" + "010203" + "00" // 3 bytes, padded
                        + "0800" + "0400" + "00050000" // u32 1280
                        + "0700" + "0300" + "743000" + "00"); // "t0", NUL, padded
        assertThat(message.position()).isZero();
    }

    @Test
    void beginStartsOverInTheSameBuffer() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter(64);
        writer.begin(16, 5, 1).attributeU32(4, 1).finish();
        assertThat(hex(writer.begin(18, 1, 2).u32(0).finish()))
                .isEqualTo("14000000120001000200000000000000" + "00000000");
    }

    @Test
    void finishWithoutBeginFails() {
        assertThatThrownBy(() -> new NetlinkMessageWriter(64).finish()).isInstanceOf(IllegalStateException.class);
    }
}
