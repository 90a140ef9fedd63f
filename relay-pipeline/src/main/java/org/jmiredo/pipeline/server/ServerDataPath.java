package org.jmiredo.pipeline.server;

import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.PerSecondBudget;
import org.jmiredo.engine.server.DestinationBudget;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.engine.server.ServerRules;
import org.jmiredo.engine.server.ServerSettings;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.tun.TunQueue;

/**
 * The Teredo server's data path (RFC 4380 §5.3). The daemon opens, per event loop, one UDP channel bound
 * to the primary address and one bound to the secondary address (both port 3544, SO_REUSEPORT when
 * there are several loops), registers both on that loop, and calls {@link #initChannels} once per pair.
 * Each channel gets its own rules and counters; every channel shares the one per-second RA budget (lock-free,
 * {@link PerSecondBudget}: the configured rate is the server's bound whichever sockets the RSs reach), and the
 * pair shares one per-destination budget (an RS with the cone bit is answered from the other address), so both
 * channels of a pair must be on the same loop. The packets forwarded to Teredo destinations have budgets of the
 * same two kinds ({@link ServerSettings#forwardPerSecond()}, {@link ServerSettings#forwardPerDestination()}).
 *
 * <p>No per-client state anywhere (as Miredo's server): memory does not depend on the number of clients
 * (the per-destination budgets are fixed-size tables).
 */
public final class ServerDataPath {
    /** The name of the server's handler in each channel's pipeline. */
    public static final String HANDLER_NAME = "teredo-server";

    private final ServerSettings settings;
    private final Clock clock;
    /** {@link ServerSettings#raPerSecond()} for the whole server, shared by every channel. */
    private final PerSecondBudget raBudget;
    private final int raPerDestinationPerPair;
    /** {@link ServerSettings#forwardPerSecond()} for the whole server, shared by every channel. */
    private final PerSecondBudget forwardBudget;
    private final int forwardPerDestinationPerPair;
    private final List<DataPathCounters> counters = new CopyOnWriteArrayList<>();

    /**
     * @param eventLoops how many channel pairs the daemon will create; each pair gets this share of
     *     {@link ServerSettings#raPerDestination()} and of {@link ServerSettings#forwardPerDestination()} towards
     *     any one IPv4 address
     */
    public ServerDataPath(ServerSettings settings, int eventLoops, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.raBudget = new PerSecondBudget(settings.raPerSecond());
        this.raPerDestinationPerPair = PerSecondBudget.share(settings.raPerDestination(), eventLoops);
        this.forwardBudget = new PerSecondBudget(settings.forwardPerSecond());
        this.forwardPerDestinationPerPair = PerSecondBudget.share(settings.forwardPerDestination(), eventLoops);
    }

    /**
     * Adds the server's handler to both channels. {@code primary} must be bound to
     * {@link ServerSettings#primaryIpv4()}:3544 and {@code secondary} to the secondary address:3544:
     * whatever is written to a channel leaves from its address. {@code nativeOut} takes the ICMPv6 echo
     * messages from clients to native IPv6 hosts (a raw IPv6 socket or a TUN queue); it is called from
     * the channels' event loop and never given ownership of a packet.
     */
    public void initChannels(Channel primary, Channel secondary, TunQueue nativeOut) {
        DestinationBudget perDestination = DestinationBudget.withSecretKey(raPerDestinationPerPair,
                settings.raDestinationSlots());
        DestinationBudget forwardPerDestination = DestinationBudget.withSecretKey(forwardPerDestinationPerPair,
                settings.raDestinationSlots());
        init(primary, ServerEndpoint.PRIMARY, primary, secondary, nativeOut, perDestination, forwardPerDestination);
        init(secondary, ServerEndpoint.SECONDARY, primary, secondary, nativeOut, perDestination, forwardPerDestination);
    }

    private void init(Channel udp, ServerEndpoint boundTo, Channel primary, Channel secondary, TunQueue nativeOut,
            DestinationBudget perDestination, DestinationBudget forwardPerDestination) {
        DataPathCounters channelCounters = new DataPathCounters();
        ServerRules rules = new ServerRules(settings, raBudget, perDestination, forwardBudget, forwardPerDestination,
                udp.alloc(), clock, channelCounters);
        ServerUdpOutput output = new ServerUdpOutput(primary, secondary, nativeOut, channelCounters);
        udp.pipeline().addLast(HANDLER_NAME, new ServerDatagramHandler(boundTo, rules, output, channelCounters));
        counters.add(channelCounters);
    }

    /** The counters of every channel, for the metrics endpoint to sum at scrape time. */
    public List<DataPathCounters> counters() {
        return counters;
    }

    public ServerSettings settings() {
        return settings;
    }
}
