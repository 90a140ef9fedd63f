package org.jmiredo.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BiConsumer;
import org.jmiredo.engine.client.ClientState;
import org.jmiredo.engine.client.QualificationFailure;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.pipeline.client.ClientStatus;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.TeredoAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the client's qualification reports, for the operator: one log line per change (as Miredo's "New
 * Teredo address/MTU") and per failure (its repeats every 100 s at debug, as Miredo's), the state for /readyz
 * and the gauges {@code jmiredo_client_state} and {@code jmiredo_client_qualified}, and the address for whoever
 * configures the tunnel.
 */
final class ClientReport implements ClientStatus {
    private static final Logger LOG = LoggerFactory.getLogger(ClientDaemon.class);

    private final QualificationSettings settings;
    private final int configuredMtu;
    private final BiConsumer<long[], Integer> addressChanged;
    private volatile ClientState state = ClientState.OFFLINE;
    private volatile String address = "";
    /** The server's addresses, for the log lines: the settings', until its host name gives others. */
    private int primary;

    private int secondary;
    /** The failure logged last since the client was last qualified: its repeats (every 100 s) go to debug. */
    private QualificationFailure lastFailure;

    /**
     * @param configuredMtu {@code tun.mtu}: the tunnel's MTU without an MTU option, and the most it may have
     *     (the daemon's buffers are sized by it)
     * @param addressChanged called on the event loop with the new address ({hi, lo}) and the tunnel's MTU, or
     *     null when not qualified any more; must not block
     */
    ClientReport(QualificationSettings settings, int configuredMtu, BiConsumer<long[], Integer> addressChanged) {
        this.settings = settings;
        this.primary = settings.primaryServer();
        this.secondary = settings.secondaryServer();
        this.configuredMtu = configuredMtu;
        this.addressChanged = addressChanged;
    }

    /**
     * The tunnel's MTU for an RA's MTU option (0: none): the option, as Miredo applies it, but never above the
     * configured MTU, the operator's bound (the read buffers would carry more: an MTU an operator raises by hand
     * is carried, up to what a datagram holds).
     */
    static int tunnelMtu(int advertised, int configured) {
        return advertised == 0 ? configured : Math.min(advertised, configured);
    }

    boolean qualified() {
        return state == ClientState.QUALIFIED;
    }

    /** The Teredo address while qualified, else "". */
    String teredoAddress() {
        return address;
    }

    void bindTo(MeterRegistry registry) {
        Gauge.builder("jmiredo.client.state", this, r -> r.state.gauge())
                .description("Client: 0 offline, 1 soliciting the primary server address, 2 checking the NAT at the "
                        + "secondary address, 3 qualified")
                .register(registry);
        Gauge.builder("jmiredo.client.qualified", this, r -> r.qualified() ? 1 : 0)
                .description("Client: 1 while it holds a valid Teredo address")
                .register(registry);
    }

    @Override
    public void qualified(long addressHi, long addressLo, int advertisedMtu) {
        lastFailure = null;
        String previous = address;
        address = TeredoAddress.toString(addressHi, addressLo);
        int mtu = tunnelMtu(advertisedMtu, configuredMtu);
        LOG.info(
                "{} Teredo address {} (MTU {}{}), NAT mapping {}:{}",
                previous.isEmpty() ? "qualified:" : previous.equals(address) ? "new MTU:" : "new mapping:",
                address,
                mtu,
                advertisedMtu == 0
                        ? ", tun.mtu: the RA has no MTU option"
                        : advertisedMtu > mtu ? ", the RA's " + advertisedMtu + " bounded by tun.mtu" : "",
                Ipv4.toString(TeredoAddress.mappedIpv4(addressLo)),
                TeredoAddress.mappedPort(addressLo));
        addressChanged.accept(new long[] {addressHi, addressLo}, mtu);
    }

    @Override
    public void unqualified(QualificationFailure why) {
        address = "";
        addressChanged.accept(null, 0);
        if (why == lastFailure) { // as Miredo, which says "No reply from Teredo server" once until a reply
            LOG.debug("still not qualified, for the same reason: {}", why);
            return;
        }
        lastFailure = why;
        switch (why) {
            case NO_REPLY ->
                LOG.warn("no reply from the Teredo server {}: trying again in 100 s", Ipv4.toString(primary));
            case NO_REPLY_SECONDARY ->
                LOG.warn(
                        "no reply from the server's secondary address {}: the NAT cannot be "
                                + "checked (set jmiredo.client.server-address2?); trying again in 100 s",
                        Ipv4.toString(secondary));
            case SYMMETRIC_NAT ->
                LOG.error("symmetric NAT: the server's two addresses saw different mappings, and "
                        + "Teredo cannot cross such a NAT (RFC 4380 section 5.2.1); trying again in 100 s");
            case NON_GLOBAL_MAPPING ->
                LOG.error("the Teredo server saw this host at a non-global IPv4 address, "
                        + "which a Teredo address must not embed (RFC 4380 section 4): is the server on this side of the "
                        + "NAT? Trying again in 100 s");
            case SERVER_LOST -> LOG.warn("lost the Teredo server (three refreshes unanswered): qualifying again");
            case PREFIX_MISMATCH ->
                LOG.error(
                        "the Teredo server {} answered with a prefix other than {}/64 (the "
                                + "configured prefix, jmiredo.relay.prefix or Prefix, and the server's address): does it advertise "
                                + "another prefix, or another address than jmiredo.client.server-address? Trying again in 100 s",
                        Ipv4.toString(primary),
                        TeredoAddress.toString(TeredoAddress.hi(settings.prefix(), primary), 0));
            case KEY_REQUESTED ->
                LOG.error(
                        "the Teredo server {} asks for secure qualification (a non-zero "
                                + "confirmation, RFC 4380 section 5.2.2), which this client does not do; trying again in 100 s",
                        Ipv4.toString(primary));
        }
    }

    /** On the event loop, as the failures it names them in. */
    @Override
    public void servers(int newPrimary, int newSecondary) {
        primary = newPrimary;
        secondary = newSecondary;
        lastFailure = null; // a failure at the new address is news
    }

    @Override
    public void state(ClientState next) {
        state = next;
    }
}
