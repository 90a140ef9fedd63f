package org.jmiredo.pipeline;

import io.netty.channel.Channel;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.TunReceiver;

/**
 * How the transport hands each event loop's endpoints to the data path. The transport opens one UDP channel
 * and one TUN queue per event loop (both served by that loop's thread) and calls the first two methods once
 * per loop, and {@link #initLocalChannel} for each further socket; the data path never creates sockets or
 * devices itself.
 */
public interface DataPathWiring {
    /**
     * Adds the UDP-to-tunnel handler to {@code udp}'s pipeline; packets go out through {@code tun}. Returns
     * what that handler hands the datagrams to, which a transport that reads the socket itself (epoll) calls
     * instead, with the channel's own reading off.
     */
    UdpIngress initUdpChannel(Channel udp, TunQueue tun);

    /**
     * Adds the same handlers to {@code udp}, a further socket of a loop already wired by
     * {@link #initUdpChannel}, bound to one of the host's addresses while the loop's main socket is bound to
     * 0.0.0.0: a peer whose packets arrive on it is answered through it, so from the address it sent to.
     * {@code local} (1 to 255) names that address for as long as the socket is open. May be called while
     * running, on {@code udp}'s event loop. Returns its {@link UdpIngress}, as {@link #initUdpChannel} does.
     */
    UdpIngress initLocalChannel(Channel udp, int local);

    /** The tunnel-to-UDP path of that loop: what reads from {@code tun} go to; it writes to {@code udp}. */
    TunReceiver tunReceiver(Channel udp, TunQueue tun);
}
