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
 * {@link PerSecondBudget}: the configured rate is the server's bound whichever sockets the RSs reach) and the one
 * per-destination RA budget (lock-free too, {@link DestinationBudget}; an RS with the cone bit is answered from the
 * other address, and a victim's spoofed ports spread over the loops). The packets forwarded to Teredo destinations
 * have budgets of the same two kinds ({@link ServerSettings#forwardPerSecond()},
 * {@link ServerSettings#forwardPerDestination()}), each likewise one for the whole server.
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
    /** {@link ServerSettings#raPerDestination()} for the whole server, shared by every channel. */
    private final DestinationBudget raPerDestination;
    /** {@link ServerSettings#forwardPerSecond()} for the whole server, shared by every channel. */
    private final PerSecondBudget forwardBudget;
    /** {@link ServerSettings#forwardPerDestination()} for the whole server, shared by every channel. */
    private final DestinationBudget forwardPerDestination;

    private final List<DataPathCounters> counters = new CopyOnWriteArrayList<>();

    /**
     * Every channel pair {@link #initChannels} is given, on any number of event loops, shares one budget each:
     * {@link ServerSettings#raPerDestination()} and {@link ServerSettings#forwardPerDestination()} towards any one
     * IPv4 address are the server's bounds (until this release, each loop had its share, rounded up).
     */
    public ServerDataPath(ServerSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.raBudget = new PerSecondBudget(settings.raPerSecond());
        this.raPerDestination =
                DestinationBudget.withSecretKey(settings.raPerDestination(), settings.raDestinationSlots());
        this.forwardBudget = new PerSecondBudget(settings.forwardPerSecond());
        this.forwardPerDestination =
                DestinationBudget.withSecretKey(settings.forwardPerDestination(), settings.raDestinationSlots());
    }

    /**
     * Adds the server's handler to both channels. {@code primary} must be bound to
     * {@link ServerSettings#primaryIpv4()}:3544 and {@code secondary} to the secondary address:3544:
     * whatever is written to a channel leaves from its address. {@code nativeOut} takes the ICMPv6 echo
     * messages from clients to native IPv6 hosts (a raw IPv6 socket or a TUN queue); it is called from
     * the channels' event loop and never given ownership of a packet.
     */
    public void initChannels(Channel primary, Channel secondary, TunQueue nativeOut) {
        init(primary, ServerEndpoint.PRIMARY, primary, secondary, nativeOut);
        init(secondary, ServerEndpoint.SECONDARY, primary, secondary, nativeOut);
    }

    private void init(Channel udp, ServerEndpoint boundTo, Channel primary, Channel secondary, TunQueue nativeOut) {
        DataPathCounters channelCounters = new DataPathCounters();
        ServerRules rules = new ServerRules(
                settings,
                raBudget,
                raPerDestination,
                forwardBudget,
                forwardPerDestination,
                udp.alloc(),
                clock,
                channelCounters);
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
