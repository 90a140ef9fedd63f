package org.jmiredo.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's qualification and maintenance against our own server's rules; row ids of CONFORMANCE §2. */
class QualificationTest {
    private final ServerStub server = new ServerStub();
    private final Qualification client = new Qualification(server.settings(), new SplittableRandom(7), server);

    @AfterEach
    void release() {
        server.close();
    }

    private void qualify() {
        client.start(0);
        assertThat(server.deliver(client, 100)).isTrue();
        assertThat(server.deliver(client, 200)).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.QUALIFIED);
    }

    @Test
    void r521StartRsPrimaryThenSecondaryThenQualifiedWithTheMappedAddress() {
        client.start(0);
        assertThat(client.state()).isEqualTo(ClientState.STARTING);
        // R-5.2.1-start, R-5.2.1-rs, R5991-3.2-skip (RFC 5991: cone bit 0 in the link-local source)
        ServerStub.Solicitation first = server.solicitations.getFirst();
        assertThat(first.server()).isEqualTo(server.primary);
        assertThat(TeredoAddress.flags(first.linkLocalLo()) & 0x8000).isZero();
        assertThat(server.deliver(client, 100)).isTrue();
        // R-5.2.1-secondary, R-5.2-cfgserver (the configured primary, then the secondary address)
        assertThat(client.state()).isEqualTo(ClientState.CHECKING);
        assertThat(server.solicitations.getLast().server()).isEqualTo(server.secondary);
        assertThat(server.solicitations.getLast().nonce()).isNotEqualTo(first.nonce()); // R-5.2.2-nonce
        assertThat(server.deliver(client, 200)).isTrue();
        // R-5.2.1-compare (equal: qualified), R-5.2.1-learn, R-5.2.1-build: ...:<flags>:63bf:39cc:9beb
        assertThat(client.state()).isEqualTo(ClientState.QUALIFIED);
        assertThat(server.events).hasSize(1);
        assertThat(server.events.getFirst())
                .startsWith("qualified 2001:0:c633:6401:")
                .endsWith(":63bf:39cc:9beb mtu 1280");
        assertThat(TeredoAddress.mappedPort(client.addressLo())).isEqualTo(40000);
        // RFC 5991 §4: cone bit and UG bits clear, the rest random (R5991-3.2-noc, R-4-ug; see r5991FlagBits)
        assertThat(TeredoAddress.flags(client.addressLo()) & ~0x3CFF).isZero();
    }

    @Test
    void theRasMtuOptionIsReportedWithinTheIpv6MinimumAnd65535AndZeroWithoutOne() {
        assertThat(Qualification.advertisedMtu(0)).isZero();
        assertThat(Qualification.advertisedMtu(1280)).isEqualTo(1280);
        assertThat(Qualification.advertisedMtu(1400)).isEqualTo(1400);
        assertThat(Qualification.advertisedMtu(576)).isEqualTo(1280);
        assertThat(Qualification.advertisedMtu(1)).isEqualTo(1280);
        assertThat(Qualification.advertisedMtu(65_536)).isEqualTo(65_535);
        assertThat(Qualification.advertisedMtu(-1)).as("0xffffffff").isEqualTo(65_535);
    }

    @Test
    void r521RetxThreeSolicitationsFourSecondsApartThenOfflineAndAgainAfterTheRestartDelay() {
        server.silentPrimary = true;
        client.start(0);
        for (long t = 4_000; t <= 8_000; t += 4_000) {
            assertThat(client.deadline()).isEqualTo(t);
            client.expire(t);
        }
        assertThat(server.solicitations)
                .hasSize(3)
                .extracting(ServerStub.Solicitation::nonce)
                .containsOnly(server.solicitations.getFirst().nonce()); // retransmissions repeat the nonce
        client.expire(12_000);
        assertThat(client.state()).isEqualTo(ClientState.OFFLINE);
        assertThat(server.events).containsExactly("unqualified NO_REPLY");
        assertThat(client.deadline()).isEqualTo(12_000 + Qualification.RESTART_MILLIS);
        client.expire(client.deadline() - 1);
        assertThat(server.solicitations).hasSize(3);
        client.expire(client.deadline());
        assertThat(server.solicitations).hasSize(4);
        assertThat(client.state()).isEqualTo(ClientState.STARTING);
    }

    /** The server's name resolved anew after a failure (as Miredo): taken unless qualified, with a round at once. */
    @Test
    void newServerAddressesStartARoundThereAtOnceUnlessQualified() {
        int moved = Ipv4.of(203, 0, 113, 7);
        qualify();
        assertThat(client.servers(moved, moved + 1, 300))
                .as("qualified: the server answers where it is")
                .isFalse();

        server.silentPrimary = true;
        for (long t = client.deadline(); client.state() == ClientState.QUALIFIED; t = client.deadline()) {
            client.expire(t);
        }
        assertThat(server.solicitations)
                .extracting(ServerStub.Solicitation::server)
                .as("refreshes, then a new round")
                .containsOnly(server.primary, server.secondary)
                .last()
                .isEqualTo(server.primary);
        int sent = server.solicitations.size();
        assertThat(client.servers(server.primary, server.secondary, 50_000))
                .as("unchanged")
                .isFalse();
        assertThat(client.servers(moved, moved, 50_000)).as("one address twice").isFalse();
        assertThat(client.servers(Ipv4.of(192, 168, 1, 1), moved, 50_000))
                .as("not global")
                .isFalse();
        assertThat(server.solicitations).hasSize(sent);
        assertThat(client.servers(moved, moved + 1, 50_000)).isTrue();
        assertThat(server.solicitations).hasSize(sent + 1);
        assertThat(server.solicitations.getLast().server()).isEqualTo(moved);
        assertThat(client.state()).isEqualTo(ClientState.STARTING);
        assertThat(client.deadline()).isEqualTo(50_000 + Qualification.RETRANSMIT_MILLIS);
    }

    @Test
    void r521SecnorespNoAnswerFromTheSecondaryAddressLeavesTheClientOffline() {
        server.silentSecondary = true;
        client.start(0);
        assertThat(server.deliver(client, 100)).isTrue();
        for (long t = 4_100; t <= 12_100; t += 4_000) {
            client.expire(t);
        }
        assertThat(client.state()).isEqualTo(ClientState.OFFLINE);
        assertThat(server.events).containsExactly("unqualified NO_REPLY_SECONDARY");
    }

    @Test
    void r521CompareADifferentMappingAtTheSecondaryAddressIsASymmetricNat() {
        server.symmetric = true;
        client.start(0);
        assertThat(server.deliver(client, 100)).isTrue();
        assertThat(server.deliver(client, 200)).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.OFFLINE);
        assertThat(server.events).containsExactly("unqualified SYMMETRIC_NAT");
    }

    /**
     * R-4-llid: a global Teredo address must embed a global unicast IPv4. An RA whose origin indication names a
     * private mapping (a server on the client's own LAN) gives no address: the client reports why and tries
     * again later, as after any failed qualification; our server never sends one (it refuses such sources).
     */
    @Test
    void r4LlidAPrivateMappingInTheOriginIndicationGivesNoAddress() {
        client.start(0);
        assertThat(deliverWithOrigin(Ipv4.of(192, 168, 77, 2), 10)).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.OFFLINE);
        assertThat(server.events).containsExactly("unqualified NON_GLOBAL_MAPPING");
        assertThat(server.solicitations).as("no RS to the secondary address").hasSize(1);
        assertThat(client.deadline()).isEqualTo(10 + Qualification.RESTART_MILLIS);
    }

    /** R-4-llid on refresh: a mapping that turns private takes the address away. */
    @Test
    void r4LlidARefreshThatFindsAPrivateMappingTakesTheAddressAway() {
        qualify();
        long t = client.deadline();
        client.expire(t);
        assertThat(deliverWithOrigin(Ipv4.of(10, 0, 0, 1), t + 50)).isTrue();
        assertThat(server.events).last().isEqualTo("unqualified NON_GLOBAL_MAPPING");
        assertThat(client.state()).isEqualTo(ClientState.OFFLINE);
    }

    /**
     * Delivers the server's oldest answer with its origin indication's IPv4 replaced (our server refuses
     * private sources, so it never sends one itself): true when the client took it.
     */
    private boolean deliverWithOrigin(int ipv4, long now) {
        ServerStub.Answer a = server.answers.removeFirst();
        ByteBuf ra = a.datagram();
        try {
            ra.setInt(TeredoHeaders.AUTH_FIXED_LENGTH + 4, ~ipv4); // inverted on the wire (RFC 4380 §5.1.1)
            TeredoHeaders headers = new TeredoHeaders();
            assertThat(headers.parse(ra)).isNull();
            return client.advertisement(ra, headers, a.fromIpv4(), a.fromPort(), now);
        } finally {
            ra.release();
        }
    }

    @Test
    void r522NoncecheckAnRaWithAnotherNonceIsIgnored() {
        assertRejected(ra -> ra.setLong(4, ra.getLong(4) + 1));
    }

    @Test
    void r522ConfmeaningAnRaAskingForANewKeyIsIgnored() {
        assertRejected(ra -> ra.setByte(12, 1));
    }

    @Test
    void r521RadstAnRaToAnotherLinkLocalAddressIsIgnored() {
        assertRejected(ra -> {
            int ipv6 = TeredoHeaders.AUTH_FIXED_LENGTH + TeredoHeaders.ORIGIN_LENGTH;
            ra.setLong(ipv6 + Ipv6.DST_OFFSET + 8, 1);
            Icmpv6.fillChecksum(ra, ipv6);
        });
    }

    @Test
    void r521RavalidAnRaWithABadChecksumOrHopLimitIsIgnored() {
        int ipv6 = TeredoHeaders.AUTH_FIXED_LENGTH + TeredoHeaders.ORIGIN_LENGTH;
        assertRejected(ra -> ra.setByte(ipv6 + Ipv6.HEADER_LENGTH + 2, ra.getByte(ipv6 + Ipv6.HEADER_LENGTH + 2) ^ 1));
        assertRejected(ra -> ra.setByte(ipv6 + Ipv6.HOP_LIMIT_OFFSET, 64));
    }

    @Test
    void r521RaprefixAnRaForAnotherServerOrPrefixIsIgnored() {
        int pio = TeredoHeaders.AUTH_FIXED_LENGTH + TeredoHeaders.ORIGIN_LENGTH + Ipv6.HEADER_LENGTH + 16 + 16;
        assertRejected(ra -> {
            ra.setInt(pio + 4, ra.getInt(pio + 4) + 1); // server IPv4 + 1
            Icmpv6.fillChecksum(ra, pio - 32 - Ipv6.HEADER_LENGTH);
        });
        assertRejected(ra -> {
            ra.setInt(pio, 0x2002_0000);
            Icmpv6.fillChecksum(ra, pio - 32 - Ipv6.HEADER_LENGTH);
        });
    }

    /**
     * The server's own answers (our nonce) refused for their prefix or for asking a key: the failure says so, not
     * "no reply", which sent operators looking for a firewall; a refusal does not outlive its phase.
     */
    @Test
    void r521RaprefixAServerAnsweringWithAnotherPrefixFailsAsAPrefixMismatchNotAsSilent() {
        int pio = TeredoHeaders.AUTH_FIXED_LENGTH + TeredoHeaders.ORIGIN_LENGTH + Ipv6.HEADER_LENGTH + 16 + 16;
        answerEverySolicitationWith(ra -> {
            ra.setInt(pio, 0x2002_0000);
            Icmpv6.fillChecksum(ra, pio - 32 - Ipv6.HEADER_LENGTH);
        });
        assertThat(server.events).containsExactly("unqualified PREFIX_MISMATCH");
    }

    @Test
    void r522ConfmeaningAServerAskingForAKeyFailsAsSuchNotAsSilent() {
        answerEverySolicitationWith(ra -> ra.setByte(12, 1));
        assertThat(server.events).containsExactly("unqualified KEY_REQUESTED");
    }

    @Test
    void aRefusalCountsInItsPhaseOnly() {
        client.start(0);
        ServerStub.Answer refused = server.answers.removeFirst();
        refused.datagram().setByte(12, 1);
        assertThat(deliver(refused, 10)).isFalse();
        client.expire(4_000);
        assertThat(server.deliver(client, 4_010)).isTrue(); // the retransmission's answer, as sent
        server.silentSecondary = true;
        for (long t = 8_010; t <= 16_010; t += 4_000) {
            client.expire(t);
        }
        assertThat(server.events).containsExactly("unqualified NO_REPLY_SECONDARY");
    }

    /** Starts; every solicitation's answer is changed by {@code mutate} and refused, until the phase fails. */
    private void answerEverySolicitationWith(Consumer<ByteBuf> mutate) {
        client.start(0);
        for (long t = 4_000; client.state() != ClientState.OFFLINE; t += 4_000) {
            ServerStub.Answer a = server.answers.removeFirst();
            mutate.accept(a.datagram());
            assertThat(deliver(a, t - 3_990)).isFalse();
            client.expire(t);
        }
        assertThat(server.solicitations).hasSize(3);
    }

    private boolean deliver(ServerStub.Answer a, long now) {
        try {
            TeredoHeaders headers = new TeredoHeaders();
            assertThat(headers.parse(a.datagram())).isNull();
            return client.advertisement(a.datagram(), headers, a.fromIpv4(), a.fromPort(), now);
        } finally {
            a.datagram().release();
        }
    }

    @Test
    void r521RaorigAnRaWithoutOriginIndicationIsIgnored() {
        client.start(0);
        ServerStub.Answer a = server.answers.removeFirst();
        ByteBuf ra = a.datagram();
        try {
            // The origin indication out: the IPv6 packet moved up behind the authentication header.
            int origin = TeredoHeaders.AUTH_FIXED_LENGTH;
            ByteBuf ipv6 = ra.copy(origin + TeredoHeaders.ORIGIN_LENGTH, ra.writerIndex() - origin - 8);
            ra.setBytes(origin, ipv6);
            ipv6.release();
            ra.writerIndex(ra.writerIndex() - TeredoHeaders.ORIGIN_LENGTH);
            TeredoHeaders headers = new TeredoHeaders();
            assertThat(headers.parse(ra)).isNull();
            assertThat(headers.hasOrigin()).isFalse();
            assertThat(client.advertisement(ra, headers, a.fromIpv4(), a.fromPort(), 10))
                    .isFalse();
        } finally {
            ra.release();
        }
    }

    @Test
    void r521DropAnRaFromAnotherSourceOrUnsolicitedChangesNothing() {
        client.start(0);
        ServerStub.Answer a = server.answers.removeFirst();
        TeredoHeaders headers = new TeredoHeaders();
        headers.parse(a.datagram());
        assertThat(client.advertisement(a.datagram(), headers, a.fromIpv4() + 5, a.fromPort(), 10))
                .isFalse();
        assertThat(client.advertisement(a.datagram(), headers, a.fromIpv4(), 3545, 10))
                .isFalse();
        assertThat(client.deadline()).isEqualTo(4_000); // R-5.2.1-drop: the RS timer unaffected
        assertThat(client.advertisement(a.datagram(), headers, a.fromIpv4(), a.fromPort(), 10))
                .isTrue();
        // The same RA again: nothing outstanding for the primary any more.
        assertThat(client.advertisement(a.datagram(), headers, a.fromIpv4(), a.fromPort(), 20))
                .isFalse();
        a.datagram().release();
    }

    /** R-5.2-refresh, and R6081-5.1.1-default (a 30 s base) and R6081-5.1.1-range (within 50-150 % of it). */
    @Test
    void r52RefreshEveryRandomised75To100PercentOf30sWithANewNonce() {
        qualify();
        long at = 200;
        long previous = server.solicitations.getLast().nonce();
        java.util.Set<Long> waits = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            long wait = client.deadline() - at;
            assertThat(wait).isBetween(22_500L, 30_000L);
            waits.add(wait);
            at = client.deadline();
            client.expire(at);
            assertThat(server.solicitations.getLast().server()).isEqualTo(server.primary); // R-5.2.5-rs
            assertThat(server.solicitations.getLast().nonce()).isNotEqualTo(previous);
            previous = server.solicitations.getLast().nonce();
            assertThat(server.deliver(client, at + 50)).isTrue();
            at += 50;
        }
        assertThat(waits.size()).isGreaterThan(10);
        assertThat(server.events).hasSize(1); // same mapping: the address stays
    }

    /**
     * R-5.2.5-validate: a refresh RA that fails the checks of §5.2.1 (here another nonce) is ignored: the
     * address stays, and the refresh RS is sent again on its timer with its own nonce.
     */
    @Test
    void r525ValidateAnInvalidRefreshRaIsIgnoredAndTheRsSentAgain() {
        qualify();
        long address = client.addressLo();
        long t = client.deadline();
        client.expire(t);
        long refreshNonce = server.solicitations.getLast().nonce();
        ServerStub.Answer a = server.answers.removeFirst();
        ByteBuf ra = a.datagram();
        try {
            ra.setLong(4, ra.getLong(4) + 1);
            TeredoHeaders headers = new TeredoHeaders();
            assertThat(headers.parse(ra)).isNull();
            assertThat(client.advertisement(ra, headers, a.fromIpv4(), a.fromPort(), t + 50))
                    .isFalse();
        } finally {
            ra.release();
        }
        assertThat(client.state()).isEqualTo(ClientState.QUALIFIED);
        assertThat(client.addressLo()).isEqualTo(address);
        assertThat(server.events).hasSize(1);
        assertThat(client.deadline()).isEqualTo(t + Qualification.RETRANSMIT_MILLIS);
        client.expire(client.deadline());
        assertThat(server.solicitations.getLast().nonce()).isEqualTo(refreshNonce);
        assertThat(server.deliver(client, t + 4_050)).isTrue();
        assertThat(client.addressLo()).isEqualTo(address);
    }

    /**
     * RFC 5991 §3.1, §4 (R5991-3.1-layout, R5991-3.1-z, R5991-3.1-ug, R5991-3.1-r1, R5991-3.1-r2, R5991-4-rng;
     * R-4-ug): with the generator the client runs on (a SecureRandom, ClientDataPath), each new mapping gets
     * flags with C, z, U and G clear and Random1 (0x3C00) and Random2 (0x00FF) drawn anew: over 6,000 mappings
     * every one of their 16 and 256 values shows up and none takes more than two (Random1) or three (Random2)
     * times its share; for a uniform source each check fails with a chance below 1e-7.
     */
    @Test
    void r5991FlagBitsAreRandomAndTheOthersClearForEachNewMapping() {
        Qualification fresh = new Qualification(server.settings(), new java.security.SecureRandom(), server);
        fresh.start(0);
        assertThat(server.deliver(fresh, 100)).isTrue();
        assertThat(server.deliver(fresh, 200)).isTrue();
        int[] random1 = new int[16];
        int[] random2 = new int[256];
        int rounds = 6_000;
        for (int i = 0; i < rounds; i++) {
            server.mappedPort = 1024 + i; // a new mapping: new flags
            long t = fresh.deadline();
            fresh.expire(t);
            assertThat(server.deliver(fresh, t + 10)).isTrue();
            int flags = TeredoAddress.flags(fresh.addressLo());
            assertThat(flags & 0xC300).as("C, z, U, G").isZero();
            random1[(flags & 0x3C00) >>> 10]++;
            random2[flags & 0x00FF]++;
        }
        for (int v = 0; v < 16; v++) {
            assertThat(random1[v]).as("Random1 %d", v).isPositive().isLessThan(2 * rounds / 16);
        }
        for (int v = 0; v < 256; v++) {
            assertThat(random2[v]).as("Random2 %d", v).isPositive().isLessThan(3 * rounds / 256);
        }
    }

    @Test
    void r525MappingChangedOnRefreshGivesANewAddress() {
        qualify();
        long before = client.addressLo();
        server.mappedPort = 40001;
        client.expire(client.deadline());
        assertThat(server.deliver(client, client.deadline() - 3_000)).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.QUALIFIED);
        assertThat(server.events).hasSize(2);
        assertThat(server.events.getLast()).endsWith(":63be:39cc:9beb mtu 1280");
        assertThat(client.addressLo()).isNotEqualTo(before);
    }

    @Test
    void aNewMtuOnRefreshKeepsTheAddressAndAnRaWithoutOneReportsZero() {
        qualify();
        long before = client.addressLo();
        server.advertise(1400);
        client.expire(client.deadline());
        assertThat(server.deliver(client, client.deadline() - 3_000)).isTrue();
        assertThat(client.addressLo())
                .as("the address stays: its connections live on")
                .isEqualTo(before);
        assertThat(server.events).hasSize(2);
        assertThat(server.events.getLast()).isEqualTo(server.events.getFirst().replace("mtu 1280", "mtu 1400"));
        server.advertise(0);
        client.expire(client.deadline());
        assertThat(server.deliver(client, client.deadline() - 3_000)).isTrue();
        assertThat(server.events).hasSize(3);
        assertThat(server.events.getLast()).endsWith(" mtu 0");
        assertThat(client.addressLo()).isEqualTo(before);
    }

    @Test
    void r525CheckAServerSilentOnThreeRefreshesIsLostAndQualificationStartsAgain() {
        qualify();
        server.silentPrimary = true;
        long t = client.deadline();
        client.expire(t); // refresh RS
        client.expire(t + 4_000);
        client.expire(t + 8_000);
        assertThat(client.state()).isEqualTo(ClientState.QUALIFIED);
        client.expire(t + 12_000);
        assertThat(server.events.getLast()).isEqualTo("unqualified SERVER_LOST");
        assertThat(client.state()).isEqualTo(ClientState.STARTING);
        server.silentPrimary = false;
        client.expire(t + 16_000); // its retransmission is answered
        assertThat(server.deliver(client, t + 16_100)).isTrue();
        assertThat(server.deliver(client, t + 16_200)).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.QUALIFIED);
        assertThat(server.events.getLast()).startsWith("qualified ");
    }

    /**
     * R-5.2.5-mapping, M12: the address changes only with the mapping. A server silent for a while (restarted,
     * unreachable) makes the client qualify again; with the same NAT mapping it gets the same address back, so
     * that its connections live on, as Miredo's (its random flag bits are drawn again only for a new mapping).
     */
    @Test
    void r525MappingAQualificationAgainWithTheSameMappingKeepsTheAddress() {
        qualify();
        String first = server.events.getFirst();
        long lo = client.addressLo();
        server.silentPrimary = true;
        long t = client.deadline();
        for (long at = t; at <= t + 12_000; at += 4_000) {
            client.expire(at);
        }
        assertThat(server.events.getLast()).isEqualTo("unqualified SERVER_LOST");
        server.silentPrimary = false;
        client.expire(t + 16_000);
        assertThat(server.deliver(client, t + 16_100)).isTrue();
        assertThat(server.deliver(client, t + 16_200)).isTrue();
        assertThat(client.addressLo()).isEqualTo(lo);
        assertThat(server.events.getLast()).isEqualTo(first);

        server.mappedPort = 40001; // a new mapping after the next loss: new random bits too
        server.silentPrimary = true;
        t = client.deadline();
        for (long at = t; at <= t + 12_000; at += 4_000) {
            client.expire(at);
        }
        server.silentPrimary = false;
        client.expire(t + 16_000);
        assertThat(server.deliver(client, t + 16_100)).isTrue();
        assertThat(server.deliver(client, t + 16_200)).isTrue();
        assertThat(TeredoAddress.mappedPort(client.addressLo())).isEqualTo(40001);
    }

    /** Qualification until the primary's RA, which {@code mutate} spoils: not taken, the client keeps waiting. */
    private void assertRejected(Consumer<ByteBuf> mutate) {
        Qualification fresh = new Qualification(server.settings(), new SplittableRandom(3), server);
        fresh.start(0);
        ServerStub.Answer a = server.answers.removeLast();
        ByteBuf ra = a.datagram();
        try {
            mutate.accept(ra);
            TeredoHeaders headers = new TeredoHeaders();
            if (headers.parse(ra) == null) {
                assertThat(fresh.advertisement(ra, headers, a.fromIpv4(), a.fromPort(), 10))
                        .isFalse();
            }
            assertThat(fresh.state()).isEqualTo(ClientState.STARTING);
            assertThat(fresh.deadline()).isEqualTo(4_000);
        } finally {
            ra.release();
        }
    }
}
