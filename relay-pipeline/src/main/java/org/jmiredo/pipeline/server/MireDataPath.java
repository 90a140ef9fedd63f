package org.jmiredo.pipeline.server;

import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jmiredo.engine.server.MireRules;
import org.jmiredo.metrics.DataPathCounters;

/**
 * The data path of {@code jmiredo mire}, the equivalent of Miredo's {@code teredo-mire} (see
 * {@link MireRules}). The daemon binds one UDP channel to the mire's address, port 3544 (the service
 * port) and one to the same address, port 3545 (the peer port, {@link #PEER_PORT}), and calls
 * {@link #initChannels} once per pair. Stateless: nothing grows with the number of senders.
 */
public final class MireDataPath {
    /** The mire's peer port, embedded in its Teredo address (Miredo: the Teredo port plus one). */
    public static final int PEER_PORT = 3545;

    public static final String HANDLER_NAME = "teredo-mire";

    private final List<DataPathCounters> counters = new CopyOnWriteArrayList<>();

    /** Adds the mire's handler to both channels; every answer leaves from {@code peer}. */
    public void initChannels(Channel service, Channel peer) {
        init(service, true, peer);
        init(peer, false, peer);
    }

    private void init(Channel udp, boolean servicePort, Channel peer) {
        DataPathCounters channelCounters = new DataPathCounters();
        MireRules rules = new MireRules(udp.alloc(), channelCounters);
        udp.pipeline().addLast(HANDLER_NAME, new MireHandler(servicePort, rules, peer, channelCounters));
        counters.add(channelCounters);
    }

    /** The counters of every channel, for the metrics endpoint to sum at scrape time. */
    public List<DataPathCounters> counters() {
        return counters;
    }
}
