package org.jmiredo.engine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.engine.server.Packets.ipv4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.RouterAdvertisementParser;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;

/**
 * The RS -> RA rules (RFC 4380 §5.3.2) over arbitrary mappings, nonces and RS sources, checked with the
 * client-side parser ({@link RouterAdvertisementParser}) and an independent checksum. No Netty here:
 * {@link ServerRules} is driven directly with a recording output and an unpooled allocator.
 */
class RouterAdvertiserPropertiesTest {
    static final ServerSettings SETTINGS = Packets.labSettings();

    @Provide
    Arbitrary<Integer> globalIpv4() {
        return Arbitraries.integers()
                .filter(Ipv4::isGlobalUnicast)
                .filter(ip -> ip != SETTINGS.primaryIpv4() && ip != SETTINGS.secondaryIpv4());
    }

    /**
     * R-5.3.2-mapping, R-5.1.1-origfmt, R-5.3.2-prefix, R-5.3.2-src, R5991-3.2-ownc, R-5.3.2-dst,
     * R-5.3.2-udp, R-5.3.2-nonceecho, R-5.3.2-cone, R5991-3.2-server, R-5.1.1-order.
     */
    @Property(tries = 300)
    void everyRsGetsOneRaThatAClientAccepts(
            @ForAll("globalIpv4") int mappedIpv4,
            @ForAll @IntRange(min = 1, max = 65535) int mappedPort,
            @ForAll long nonce,
            @ForAll boolean withAuth,
            @ForAll @IntRange(min = 0, max = 0xFFFF) int flags,
            @ForAll long interfaceLow,
            @ForAll boolean onSecondary) {
        long[] src = {Ipv6.LINK_LOCAL_HI, (long) flags << 48 | interfaceLow & 0xFFFF_FFFF_FFFFL};
        ServerEndpoint arrivedOn = onSecondary ? ServerEndpoint.SECONDARY : ServerEndpoint.PRIMARY;
        DataPathCounters counters = new DataPathCounters();
        ServerRules rules = new ServerRules(
                SETTINGS,
                0,
                DestinationBudget.withSecretKey(0, 2),
                UnpooledByteBufAllocator.DEFAULT,
                () -> 1_000,
                counters);
        ByteBuf rs = Packets.rs(src, withAuth ? nonce : null);
        TeredoHeaders headers = new TeredoHeaders();
        try (RecordingOutput out = new RecordingOutput(counters)) {
            assertThat(headers.parse(rs)).isNull();
            assertThat(rules.process(rs, headers, arrivedOn, mappedIpv4, mappedPort, out))
                    .isNull();

            assertThat(out.udp).hasSize(1);
            assertThat(out.nativePackets).isEmpty();
            RecordingOutput.Udp sent = out.udp.get(0);
            boolean cone = (flags & Teredo.FLAG_CONE) != 0;
            assertThat(sent.from()).isEqualTo(cone ? arrivedOn.other() : arrivedOn);
            assertThat(sent.ipv4()).isEqualTo(mappedIpv4);
            assertThat(sent.port()).isEqualTo(mappedPort);
            checkRa(sent.payload(), src, withAuth, nonce, mappedIpv4, mappedPort);
            assertThat(counters.get(Counter.ROUTER_ADVERTISEMENTS_TX)).isEqualTo(1);
            assertThat(counters.get(Counter.ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS))
                    .isEqualTo(cone ? 1 : 0);
        } finally {
            rs.release();
        }
    }

    private static void checkRa(
            ByteBuf ra, long[] rsSrc, boolean withAuth, long nonce, int mappedIpv4, int mappedPort) {
        TeredoHeaders h = new TeredoHeaders();
        assertThat(h.parse(ra)).isNull();
        assertThat(h.hasAuth()).isEqualTo(withAuth);
        if (withAuth) {
            assertThat(h.authIdLength(ra)).isZero();
            assertThat(h.authValueLength(ra)).isZero();
            assertThat(h.authNonce(ra)).isEqualTo(nonce);
            assertThat(h.authConfirmation(ra)).isZero(); // R-5.3.2-conf
        }
        assertThat(h.hasOrigin()).isTrue();
        assertThat(h.originIpv4(ra)).isEqualTo(mappedIpv4);
        assertThat(h.originPort(ra)).isEqualTo(mappedPort);
        int at = h.ipv6Offset();
        assertThat(h.trailerLength()).isZero();
        RouterAdvertisementParser parser = new RouterAdvertisementParser();
        assertThat(parser.parse(ra, at, h.ipv6Length())).isTrue();
        assertThat(parser.prefixHi()).isEqualTo(TeredoAddress.hi(Teredo.PREFIX, SETTINGS.primaryIpv4()));
        assertThat(parser.mtu()).isEqualTo(1280);
        assertThat(Ipv6.srcHi(ra, at)).isEqualTo(Ipv6.LINK_LOCAL_HI);
        assertThat(Ipv6.srcLo(ra, at)).isEqualTo(TeredoAddress.lo(0x8000, 3544, ipv4("198.51.100.1")));
        assertThat(Ipv6.dstHi(ra, at)).isEqualTo(rsSrc[0]);
        assertThat(Ipv6.dstLo(ra, at)).isEqualTo(rsSrc[1]);
        assertThat(Packets.oracleChecksum(ByteBufUtil.getBytes(ra, at, h.ipv6Length())))
                .isZero();
    }
}
