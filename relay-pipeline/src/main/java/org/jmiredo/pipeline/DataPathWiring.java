package org.jmiredo.pipeline;

import io.netty.channel.Channel;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.TunReceiver;

/**
 * How the transport hands each event loop's pair of endpoints to the data path. The transport opens one
 * UDP channel and one TUN queue per event loop (both served by that loop's thread) and calls these two
 * methods once per loop; the data path never creates sockets or devices itself.
 */
public interface DataPathWiring {
    /** Adds the UDP-to-tunnel handlers to {@code udp}'s pipeline; packets go out through {@code tun}. */
    void initUdpChannel(Channel udp, TunQueue tun);

    /** The tunnel-to-UDP path of that loop: what reads from {@code tun} go to; it writes to {@code udp}. */
    TunReceiver tunReceiver(Channel udp, TunQueue tun);
}
