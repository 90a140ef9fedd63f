package org.jmiredo.engine.client;

import io.netty.buffer.ByteBuf;
import java.util.random.RandomGenerator;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.RouterAdvertisementParser;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;

/**
 * A Teredo client's qualification and maintenance (RFC 4380 §5.2.1, §5.2.5, as updated by RFC 5991 §3.2:
 * no cone probe), I/O free: the adapter passes the time in milliseconds, the advertisements received and
 * the timer's expiry ({@link #deadline}); {@link QualificationOutput} receives what to send and the address.
 *
 * <p>Order of events: an RS to the primary address (cone bit 0, RFC 5991), its RA gives the mapping; an RS
 * to the secondary address, whose RA must show the same mapping, or the NAT is symmetric (R-5.2.1-compare);
 * then qualified, with a refresh RS to the primary address at a randomised 75-100 % of 30 s (R-5.2-refresh).
 * A phase retransmits its RS every 4 s, 3 times in all (R-5.2.1-retx, Miredo's values), then gives up:
 * unqualified, and the next attempt after {@link #RESTART_MILLIS} (Miredo: 100 s). A lost server
 * (unanswered refreshes) starts a new qualification at once. Each phase draws a new nonce (R-5.2.2-nonce);
 * its retransmissions repeat it, so that a late answer to the first RS still counts. Other packets from the
 * server do not postpone a refresh (unlike R-5.2.3-server, as Miredo's M11): only an RA shows the mapping is
 * still the same. The server's addresses may change between rounds ({@link #servers}: its host name resolved
 * anew, as Miredo does after a failure).
 */
public final class Qualification {
    /** T of R-5.2.1-retx: an RS unanswered this long is sent again. */
    static final long RETRANSMIT_MILLIS = 4_000;
    /** N of R-5.2.1-retx: solicitations per phase before it fails (Miredo's QualificationRetries). */
    static final int SOLICITATIONS = 3;
    /** After a failure, the next qualification starts this much later (Miredo's RestartDelay). */
    static final long RESTART_MILLIS = 100_000;
    /** The refresh interval (RFC 4380 §5.2: 30 s); each wait is drawn from 75-100 % of it. */
    static final long REFRESH_MILLIS = 30_000;
    /** Link-local RS source: the cone bit, 0x80 of byte 8, stays clear (RFC 5991 §3.2). */
    private static final long CONE_BIT = (long) Teredo.FLAG_CONE << 48;

    private static final int MIN_MTU = Teredo.MTU;
    private static final int MAX_MTU = 65_535;

    private final QualificationSettings settings;
    private final RandomGenerator random;
    private final QualificationOutput out;
    private final RouterAdvertisementParser parser = new RouterAdvertisementParser();

    /** The server's primary and secondary IPv4: the settings', until {@link #servers} moves them. */
    private int primary;

    private int secondary;
    private ClientState state = ClientState.OFFLINE;
    private long deadline = Long.MAX_VALUE;
    /** Solicitations sent in the current phase; 0 while qualified and not refreshing. */
    private int sent;

    private long nonce;
    private long linkLocalLo;
    private int solicited;
    /** The mapping the primary address saw (STARTING), then the qualified one. */
    private int mappedIpv4;

    private int mappedPort;
    private long addressHi;
    private long addressLo;
    private int mtu;
    /** Why the server's own answers (this phase's nonce) were refused, reported if the phase fails; else null. */
    private QualificationFailure refused;

    public Qualification(QualificationSettings settings, RandomGenerator random, QualificationOutput out) {
        this.settings = settings;
        this.random = random;
        this.out = out;
        this.primary = settings.primaryServer();
        this.secondary = settings.secondaryServer();
    }

    /** Starts qualifying (R-5.2.1-start): the first RS leaves now. */
    public void start(long now) {
        state = ClientState.STARTING;
        linkLocalLo = random.nextLong() & ~CONE_BIT;
        solicit(primary, now);
    }

    /**
     * The server's addresses as its host name now gives them. Unless qualified (the server answers where it is),
     * new ones are taken at once and a new round starts towards them now, without the wait after a failure: true.
     * Otherwise, or when unchanged or not a Teredo server's (RFC 4380 §5.2.4: global unicast, two of them), false.
     */
    public boolean servers(int newPrimary, int newSecondary, long now) {
        if (state == ClientState.QUALIFIED
                || newPrimary == newSecondary
                || !Ipv4.isGlobalUnicast(newPrimary)
                || !Ipv4.isGlobalUnicast(newSecondary)
                || newPrimary == primary && newSecondary == secondary) {
            return false;
        }
        primary = newPrimary;
        secondary = newSecondary;
        start(now);
        return true;
    }

    /** When {@link #expire} must run next: the time in milliseconds, {@link Long#MAX_VALUE} before the start. */
    public long deadline() {
        return deadline;
    }

    public ClientState state() {
        return state;
    }

    /** Valid while {@link #state} is QUALIFIED. */
    public long addressHi() {
        return addressHi;
    }

    public long addressLo() {
        return addressLo;
    }

    public int mtu() {
        return mtu;
    }

    /** The timer: retransmits, gives up, refreshes or starts again, as the state says. */
    public void expire(long now) {
        if (now < deadline) {
            return;
        }
        if (state == ClientState.OFFLINE) {
            start(now);
        } else if (state == ClientState.QUALIFIED && sent == 0) {
            solicit(primary, now); // R-5.2.5-rs: a refresh, with a new nonce
        } else if (sent < SOLICITATIONS) {
            resend(now);
        } else if (state == ClientState.QUALIFIED) {
            out.unqualified(refused != null ? refused : QualificationFailure.SERVER_LOST);
            start(now);
        } else if (refused != null) {
            fail(refused, now);
        } else {
            fail(
                    state == ClientState.CHECKING
                            ? QualificationFailure.NO_REPLY_SECONDARY
                            : QualificationFailure.NO_REPLY,
                    now);
        }
    }

    /**
     * A datagram whose Teredo headers parsed into {@code headers}, from {@code srcIpv4:srcPort}: taken when
     * it is the advertisement awaited (true), else left alone (false) and the state is unchanged
     * (R-5.2.1-drop). The caller owns {@code buf}.
     */
    public boolean advertisement(ByteBuf buf, TeredoHeaders headers, int srcIpv4, int srcPort, long now) {
        if (sent == 0 || !awaited(buf, headers, srcIpv4, srcPort)) {
            return false;
        }
        int ipv4 = headers.originIpv4(buf);
        int port = headers.originPort(buf);
        int advertisedMtu = advertisedMtu(parser.mtu());
        if (!Ipv4.isGlobalUnicast(ipv4)) {
            fail(QualificationFailure.NON_GLOBAL_MAPPING, now); // R-4-llid: no global address can embed it
            return true;
        }
        switch (state) {
            case STARTING -> {
                mappedIpv4 = ipv4; // R-5.2.1-learn
                mappedPort = port;
                state = ClientState.CHECKING;
                solicit(secondary, now); // R-5.2.1-secondary
            }
            case CHECKING -> {
                if (ipv4 != mappedIpv4 || port != mappedPort) {
                    fail(QualificationFailure.SYMMETRIC_NAT, now); // R-5.2.1-compare
                } else {
                    state = ClientState.QUALIFIED;
                    apply(ipv4, port, advertisedMtu);
                    rest(now);
                }
            }
            case QUALIFIED -> {
                if (ipv4 != mappedIpv4 || port != mappedPort) {
                    apply(ipv4, port, advertisedMtu); // R-5.2.5-mapping: a new address
                } else if (advertisedMtu != mtu) {
                    mtu = advertisedMtu; // the same address: its connections live on
                    out.qualified(addressHi, addressLo, mtu);
                }
                rest(now);
            }
            case OFFLINE -> throw new IllegalStateException("no solicitation is outstanding while offline");
        }
        return true;
    }

    /**
     * The RA's MTU option (RFC 4861 §4.6.4, which Miredo's client applies to its tunnel) as reported: 0 without
     * one, else bounded to 1280 (the IPv6 minimum, RFC 8200 §5) to 65535; the parser gives values of 2^31 and
     * more as negative. Whoever applies it bounds it again by what its tunnel's buffers hold.
     */
    static int advertisedMtu(int option) {
        if (option == 0) {
            return 0;
        }
        return option < 0 || option > MAX_MTU ? MAX_MTU : Math.max(option, MIN_MTU);
    }

    /**
     * The checks of R-5.2.1-raorig, -ravalid, -radst, -rapio, -raprefix, -rasrc and R-5.2.2-noncecheck. An answer
     * with our nonce that fails on the confirmation or the prefix is the server's, telling of a setting that will
     * not change by itself: remembered in {@link #refused}, so that the failure says so rather than "no reply".
     */
    private boolean awaited(ByteBuf buf, TeredoHeaders headers, int srcIpv4, int srcPort) {
        int at = headers.ipv6Offset();
        if (srcIpv4 != solicited
                || srcPort != Teredo.SERVICE_PORT
                || !headers.hasAuth()
                || !headers.hasOrigin()
                || headers.authNonce(buf) != nonce) {
            return false;
        }
        if (headers.authConfirmation(buf) != 0) { // a key to renew, which we do not have (§5.2.2)
            refused = QualificationFailure.KEY_REQUESTED;
            return false;
        }
        if (!parser.parse(buf, at, headers.ipv6Length())
                || Ipv6.dstHi(buf, at) != Ipv6.LINK_LOCAL_HI
                || Ipv6.dstLo(buf, at) != linkLocalLo) {
            return false;
        }
        if (TeredoAddress.prefix(parser.prefixHi()) != settings.prefix()
                || TeredoAddress.serverIpv4(parser.prefixHi()) != primary) {
            refused = QualificationFailure.PREFIX_MISMATCH;
            return false;
        }
        return true;
    }

    /**
     * Builds the address from the mapping (R-5.2.1-build) and reports it. The flags: cone bit 0, the 12
     * random bits of RFC 5991 §4 drawn anew for each new mapping; a qualification that finds the mapping of the
     * last address (after a lost server, a failure) gets that address back, and its connections live on
     * (R-5.2.5-mapping; Miredo's M12).
     */
    private void apply(int ipv4, int port, int advertisedMtu) {
        boolean sameMapping = addressLo != 0
                && TeredoAddress.mappedIpv4(addressLo) == ipv4
                && TeredoAddress.mappedPort(addressLo) == port;
        int flags = sameMapping ? TeredoAddress.flags(addressLo) : random.nextInt() & Teredo.FLAG_RANDOM;
        mappedIpv4 = ipv4;
        mappedPort = port;
        mtu = advertisedMtu;
        addressHi = TeredoAddress.hi(settings.prefix(), primary);
        addressLo = TeredoAddress.lo(flags, port, ipv4);
        out.qualified(addressHi, addressLo, mtu);
    }

    private void solicit(int server, long now) {
        solicited = server;
        nonce = random.nextLong();
        sent = 0;
        refused = null;
        resend(now);
    }

    private void resend(long now) {
        sent++;
        deadline = now + RETRANSMIT_MILLIS;
        out.solicit(solicited, nonce, linkLocalLo);
    }

    /** Qualified and answered: the next refresh after a randomised interval (R-5.2-refresh). */
    private void rest(long now) {
        sent = 0;
        deadline = now + REFRESH_MILLIS * 3 / 4 + random.nextLong(REFRESH_MILLIS / 4 + 1);
    }

    private void fail(QualificationFailure why, long now) {
        state = ClientState.OFFLINE;
        sent = 0;
        deadline = now + RESTART_MILLIS;
        out.unqualified(why);
    }
}
