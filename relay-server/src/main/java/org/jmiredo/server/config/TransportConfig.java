package org.jmiredo.server.config;

import java.time.Duration;
import org.jmiredo.server.transport.UdpGsoMode;

/**
 * {@code jmiredo.transport}: event loops and socket tuning.
 *
 * @param eventLoops event loops (each with a UDP socket and a TUN queue); 0 means one per processor
 * @param recvBatch datagrams per recvmmsg(2) call
 * @param maxMessagesPerRead most read calls per socket per wake-up
 * @param socketReceiveBuffer SO_RCVBUF in bytes; 0 keeps the kernel default
 * @param socketSendBuffer SO_SNDBUF in bytes; 0 keeps the kernel default
 * @param udpGro whether to ask the kernel for UDP GRO
 * @param udpGso whether runs of datagrams to one destination leave as one UDP GSO send
 * @param udpGsoRetry how long a UDP GSO refusal lasts, towards one destination or everywhere, before GSO is tried
 *     again
 * @param localAddressRefresh bound to 0.0.0.0: how often to re-read the host's addresses for the per-address
 *     sockets; zero for none
 */
public record TransportConfig(
        int eventLoops,
        int recvBatch,
        int maxMessagesPerRead,
        int socketReceiveBuffer,
        int socketSendBuffer,
        boolean udpGro,
        UdpGsoMode udpGso,
        Duration udpGsoRetry,
        Duration localAddressRefresh) {

    /** {@link #eventLoops()} with 0 resolved to the processors this JVM may use. */
    public int resolvedEventLoops() {
        return eventLoops == 0 ? Runtime.getRuntime().availableProcessors() : eventLoops;
    }
}
