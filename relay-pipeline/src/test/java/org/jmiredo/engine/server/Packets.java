package org.jmiredo.engine.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.RouterSolicitation;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;

/**
 * Test datagrams for the server and mire tests, in the CONFORMANCE lab addressing (server 198.51.100.1
 * and .2, client behind a NAT at 198.51.100.20:40000, relay 198.51.100.3, native host 2001:db8:6::20).
 * Every builder returns an unpooled heap buffer the caller owns. Addresses are {@code long[]{hi, lo}}.
 */
public final class Packets {
    private Packets() {}

    public static final String PRIMARY = "198.51.100.1";
    public static final String SECONDARY = "198.51.100.2";
    public static final String RELAY = "198.51.100.3";
    public static final String NAT = "198.51.100.20";
    public static final int NAT_PORT = 40000;

    /** Miredo's fixed RS source for the restricted (C=0) RS: fe80::ffff:ffff:ffff (M9). */
    public static final long[] RS_RESTRICTED = v6("fe80::ffff:ffff:ffff");
    /** Miredo's cone RS source: fe80::8000:5445:5245:444f, "TEREDO" with C=1 (M9). */
    public static final long[] RS_CONE = v6("fe80::8000:5445:5245:444f");

    public static final long[] NATIVE = v6("2001:db8:6::20");
    /** The lab client of our server: 2001:0:c633:6401:0:63bf:39cc:9beb. */
    public static final long[] CLIENT = teredo(PRIMARY, 0, NAT, NAT_PORT);
    /** A second client of our server, without NAT: 198.51.100.10:3545. */
    public static final long[] CLIENT2 = teredo(PRIMARY, 0, "198.51.100.10", 3545);

    public static ServerSettings labSettings() {
        return ServerSettings.defaults(ipv4(PRIMARY), ipv4(SECONDARY));
    }

    public static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    public static int ipv4(String dotted) {
        return Ipv4.of(ip(dotted).getAddress());
    }

    public static long[] v6(String literal) {
        InetAddress a = ip(literal);
        return new long[] {TeredoAddress.hiOf(a), TeredoAddress.loOf(a)};
    }

    /** A Teredo address (RFC 4380 §4) under 2001:0::/32. */
    public static long[] teredo(String server, int flags, String mapped, int port) {
        return new long[] {TeredoAddress.hi(Teredo.PREFIX, ipv4(server)), TeredoAddress.lo(flags, port, ipv4(mapped))};
    }

    public static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replaceAll("[\\s:]", "")));
    }

    /** An RS from {@code src} to ff02::2, with the 13-byte authentication header carrying {@code nonce} unless null. */
    public static ByteBuf rs(long[] src, Long nonce) {
        ByteBuf buf = Unpooled.buffer();
        if (nonce != null) {
            buf.writerIndex(TeredoHeaders.writeAuth(buf.ensureWritable(13), 0, nonce, 0));
        }
        RouterSolicitation.append(buf, src[0], src[1]);
        return buf;
    }

    /** A bubble from {@code src} to {@code dst} followed by {@code trailers} (RFC 6081 §4), hop limit 0. */
    public static ByteBuf bubble(long[] src, long[] dst, byte... trailers) {
        ByteBuf buf = ipv6(src, dst, 59, 0, 0);
        buf.writeBytes(trailers);
        return buf;
    }

    /** An ICMPv6 echo request (or reply when {@code reply}) with {@code dataLength} data bytes, valid checksum. */
    public static ByteBuf echo(long[] src, long[] dst, boolean reply, int dataLength) {
        ByteBuf data = Unpooled.buffer(dataLength);
        for (int i = 0; i < dataLength; i++) {
            data.writeByte(i * 7 + 1);
        }
        ByteBuf buf = Unpooled.buffer();
        if (reply) {
            Icmpv6.appendEchoReply(buf, 64, src[0], src[1], dst[0], dst[1], 0x1234, 7, data, 0, dataLength);
        } else {
            Icmpv6.appendEchoRequest(buf, 64, src[0], src[1], dst[0], dst[1], 0x1234, 7, data, 0, dataLength);
        }
        data.release();
        return buf;
    }

    /** An IPv6 packet with next header {@code nh}, hop limit {@code hopLimit} and {@code payloadLength} filler bytes. */
    public static ByteBuf ipv6(long[] src, long[] dst, int nh, int hopLimit, int payloadLength) {
        ByteBuf buf = Unpooled.buffer(40 + payloadLength);
        buf.writeInt(0x6000_0000).writeShort(payloadLength).writeByte(nh).writeByte(hopLimit);
        buf.writeLong(src[0]).writeLong(src[1]).writeLong(dst[0]).writeLong(dst[1]);
        for (int i = 0; i < payloadLength; i++) {
            buf.writeByte(i);
        }
        return buf;
    }

    /** {@code ORIG(port, ipv4)} in front of {@code packet} (released), as a server would send it. */
    public static ByteBuf withOrigin(ByteBuf packet, String ipv4, int port) {
        ByteBuf buf = Unpooled.buffer(8 + packet.readableBytes());
        TeredoHeaders.writeOrigin(buf.ensureWritable(8), 0, ipv4(ipv4), port);
        buf.writerIndex(8).writeBytes(packet);
        packet.release();
        return buf;
    }

    /**
     * An independent RFC 1071 checksum of the upper-layer message of the IPv6 packet in {@code packet}
     * (plain byte arithmetic, not the production code): 0 when the stored checksum is right.
     */
    public static int oracleChecksum(byte[] packet) {
        int plen = (packet[4] & 0xFF) << 8 | packet[5] & 0xFF;
        long sum = plen + (packet[6] & 0xFF);
        for (int i = 8; i < 40; i += 2) {
            sum += (packet[i] & 0xFF) << 8 | packet[i + 1] & 0xFF;
        }
        for (int i = 40; i < 40 + plen; i += 2) {
            int low = i + 1 < 40 + plen ? packet[i + 1] & 0xFF : 0;
            sum += (packet[i] & 0xFF) << 8 | low;
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) ~sum & 0xFFFF;
    }
}
