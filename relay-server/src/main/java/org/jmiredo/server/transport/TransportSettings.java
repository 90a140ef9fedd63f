package org.jmiredo.server.transport;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;
import org.jmiredo.server.tun.linux.LinuxTunDevice;
import org.jmiredo.server.tun.linux.TunOffloadMode;
import org.jmiredo.server.tun.linux.TunQueueOptions;

/**
 * Everything the transport needs: event loops, the relay's UDP socket, the TUN device and its route.
 * Each event loop gets one UDP socket (all on the same address and port, SO_REUSEPORT) and one TUN queue.
 *
 * @param eventLoops event loops, each with a UDP socket and a TUN queue; 0 means one per available processor
 *     (at most 256, the kernel's TUN queue limit)
 * @param bindAddress the IPv4 address the relay's UDP sockets bind to; 0.0.0.0 for all
 * @param bindPort the UDP port, 0 to 65535 (Miredo's relay: BindPort, default 0 = any; servers use 3544);
 *     0 lets the kernel pick one port, then every loop's socket binds that same port
 * @param recvBatch datagrams per recvmmsg(2) call, 1 to 1024 (UIO_MAXIOV), each into a slot of one pooled
 *     buffer of {@code recvBatch * datagramSlotSize()} bytes ({@link UdpReceiveHandle} on epoll; Netty's read
 *     path, where 1 means recvmsg(2), with UDP GRO)
 * @param maxMessagesPerRead most datagrams read from one socket per loop wake-up (each datagram of a recvmmsg
 *     batch counts); the rest waits for the next turn, after the TUN queue had its turn
 * @param socketReceiveBuffer SO_RCVBUF in bytes; 0 keeps the kernel default (capped by net.core.rmem_max)
 * @param socketSendBuffer SO_SNDBUF in bytes; 0 keeps the kernel default (capped by net.core.wmem_max)
 * @param udpGro ask for UDP GRO (Linux 5.0): the kernel may coalesce a burst of same-size datagrams from
 *     one peer; each receive slot then grows to 64 KiB. Silently off where unsupported
 * @param tunName the TUN interface name, 1 to 15 characters (Miredo: InterfaceName, default "teredo")
 * @param tunMtu the TUN interface MTU, 1280 to 65535; 1280 is the Teredo default (RFC 4380 §5.1.2)
 * @param tunReadBudget most packets read from one TUN queue per loop wake-up, at least 1
 * @param prefix the Teredo prefix routed into the TUN device (2001:: for the global prefix, RFC 4380 §2.6)
 * @param prefixLength the prefix length, 32 for Teredo
 * @param tunPersistent attach to a persistent multi-queue device the host created and configured (link up,
 *     MTU, address, route), without IFF_TUN_EXCL, and leave it as it is: no CAP_NET_ADMIN needed. False:
 *     create the device (refusing an existing one), configure it, and have it deleted at close
 * @param tunOffload whether to open the TUN with checksum and segmentation offloads (IFF_VNET_HDR)
 * @param tunTxQueueLength the TUN device's txqueuelen, set when the device is configured; 0 keeps the kernel's
 * @param localAddressRefresh with {@code bindAddress} 0.0.0.0: how often the host's IPv4 addresses are re-read
 *     to keep one more socket per loop on each of them ({@link LocalAddressSockets}), so that every peer is
 *     answered from the address it reached; {@link Duration#ZERO}: no such sockets (answers leave from the
 *     address the route picks, as Miredo's do)
 */
public record TransportSettings(
        int eventLoops,
        Inet4Address bindAddress,
        int bindPort,
        int recvBatch,
        int maxMessagesPerRead,
        int socketReceiveBuffer,
        int socketSendBuffer,
        boolean udpGro,
        String tunName,
        int tunMtu,
        int tunReadBudget,
        Inet6Address prefix,
        int prefixLength,
        boolean tunPersistent,
        TunOffloadMode tunOffload,
        int tunTxQueueLength,
        Duration localAddressRefresh) {

    /** Bytes in front of each packet read from the TUN, free for a header (8: a Teredo origin indication). */
    public static final int TUN_HEADROOM = 8;

    /** A receive slot holds at least a full datagram of a 1500-byte IPv4 path (1472 bytes of UDP payload). */
    static final int MIN_DATAGRAM_SLOT = 1500;
    /** Room above the tunnel MTU for the Teredo headers of a datagram (auth header 13+, origin 8). */
    static final int TEREDO_HEADER_ROOM = 64;
    /** With GRO a slot must hold a whole aggregate (netty-io.md §3). */
    static final int GRO_DATAGRAM_SLOT = 65_535;

    public TransportSettings {
        check(eventLoops >= 0 && eventLoops <= LinuxTunDevice.MAX_QUEUES, "eventLoops must be 0 to 256", eventLoops);
        check(bindAddress != null, "bindAddress is required", 0);
        check(bindPort >= 0 && bindPort <= 65_535, "bindPort must be 0 to 65535", bindPort);
        check(recvBatch >= 1 && recvBatch <= 1024, "recvBatch must be 1 to 1024", recvBatch);
        check(maxMessagesPerRead >= 1, "maxMessagesPerRead must be at least 1", maxMessagesPerRead);
        check(socketReceiveBuffer >= 0, "socketReceiveBuffer must not be negative", socketReceiveBuffer);
        check(socketSendBuffer >= 0, "socketSendBuffer must not be negative", socketSendBuffer);
        check(tunName != null && !tunName.isEmpty(), "tunName is required", 0);
        check(tunMtu >= 1280 && tunMtu <= 65_535, "tunMtu must be 1280 to 65535", tunMtu);
        check(tunReadBudget >= 1, "tunReadBudget must be at least 1", tunReadBudget);
        check(prefix != null, "prefix is required", 0);
        check(prefixLength >= 1 && prefixLength <= 128, "prefixLength must be 1 to 128", prefixLength);
        check(tunOffload != null, "tunOffload is required", 0);
        check(tunTxQueueLength >= 0, "tunTxQueueLength must not be negative", tunTxQueueLength);
        check(
                localAddressRefresh != null
                        && !localAddressRefresh.isNegative()
                        && (localAddressRefresh.isZero() || localAddressRefresh.toMillis() >= 1),
                "localAddressRefresh must be 0 or at least 1 ms",
                0);
    }

    private static void check(boolean ok, String rule, int value) {
        if (!ok) {
            throw new IllegalArgumentException(rule + " (got " + value + ")");
        }
    }

    /**
     * Miredo's relay defaults: one loop per processor, all addresses, any port, MTU 1280, "teredo",
     * 2001::/32; batches of 32 datagrams, 64 per wake-up, 64 TUN packets per wake-up, kernel buffer sizes;
     * a device of its own (not persistent), without offloads, with the kernel's txqueuelen; no per-address
     * sockets.
     */
    public static TransportSettings defaults() {
        return new TransportSettings(
                0,
                anyIpv4(),
                0,
                32,
                64,
                0,
                0,
                false,
                "teredo",
                1280,
                64,
                TunnelInterfaceSpec.TEREDO_PREFIX,
                TunnelInterfaceSpec.TEREDO_PREFIX_LENGTH,
                false,
                TunOffloadMode.OFF,
                0,
                Duration.ZERO);
    }

    /** True when the relay keeps a socket on each of the host's addresses beside its wildcard ones. */
    public boolean localAddressSockets() {
        return bindAddress.isAnyLocalAddress() && !localAddressRefresh.isZero();
    }

    /** {@link #eventLoops()} with 0 resolved to the processors this JVM may use (at most 256). */
    public int resolvedEventLoops() {
        int n = eventLoops == 0 ? Runtime.getRuntime().availableProcessors() : eventLoops;
        return Math.min(n, LinuxTunDevice.MAX_QUEUES);
    }

    public InetSocketAddress bindSocketAddress() {
        return new InetSocketAddress(bindAddress, bindPort);
    }

    /** Bytes per datagram in a recvmmsg batch: a 1500-byte path's datagram, more for a larger tunnel MTU. */
    public int datagramSlotSize() {
        return udpGro ? GRO_DATAGRAM_SLOT : Math.max(MIN_DATAGRAM_SLOT, tunMtu + TEREDO_HEADER_ROOM);
    }

    public TunQueueOptions tunQueueOptions() {
        return new TunQueueOptions(tunReadBudget, TUN_HEADROOM, tunMtu);
    }

    public TunnelInterfaceSpec tunnelInterface(String actualTunName) {
        return TunnelInterfaceSpec.relay(actualTunName, tunMtu, prefix, prefixLength)
                .withTxQueueLength(tunTxQueueLength);
    }

    public TransportSettings withBind(Inet4Address address, int port) {
        return new TransportSettings(
                eventLoops,
                address,
                port,
                recvBatch,
                maxMessagesPerRead,
                socketReceiveBuffer,
                socketSendBuffer,
                udpGro,
                tunName,
                tunMtu,
                tunReadBudget,
                prefix,
                prefixLength,
                tunPersistent,
                tunOffload,
                tunTxQueueLength,
                localAddressRefresh);
    }

    public TransportSettings withEventLoops(int loops) {
        return new TransportSettings(
                loops,
                bindAddress,
                bindPort,
                recvBatch,
                maxMessagesPerRead,
                socketReceiveBuffer,
                socketSendBuffer,
                udpGro,
                tunName,
                tunMtu,
                tunReadBudget,
                prefix,
                prefixLength,
                tunPersistent,
                tunOffload,
                tunTxQueueLength,
                localAddressRefresh);
    }

    public TransportSettings withTun(String name, Inet6Address routedPrefix, int routedPrefixLength) {
        return new TransportSettings(
                eventLoops,
                bindAddress,
                bindPort,
                recvBatch,
                maxMessagesPerRead,
                socketReceiveBuffer,
                socketSendBuffer,
                udpGro,
                name,
                tunMtu,
                tunReadBudget,
                routedPrefix,
                routedPrefixLength,
                tunPersistent,
                tunOffload,
                tunTxQueueLength,
                localAddressRefresh);
    }

    /** The same settings with {@link #tunPersistent()} set to {@code persistent}. */
    public TransportSettings withPersistentTun(boolean persistent) {
        return new TransportSettings(
                eventLoops,
                bindAddress,
                bindPort,
                recvBatch,
                maxMessagesPerRead,
                socketReceiveBuffer,
                socketSendBuffer,
                udpGro,
                tunName,
                tunMtu,
                tunReadBudget,
                prefix,
                prefixLength,
                persistent,
                tunOffload,
                tunTxQueueLength,
                localAddressRefresh);
    }

    /** The same settings with {@link #localAddressRefresh()} set to {@code refresh}. */
    public TransportSettings withLocalAddressRefresh(Duration refresh) {
        return new TransportSettings(
                eventLoops,
                bindAddress,
                bindPort,
                recvBatch,
                maxMessagesPerRead,
                socketReceiveBuffer,
                socketSendBuffer,
                udpGro,
                tunName,
                tunMtu,
                tunReadBudget,
                prefix,
                prefixLength,
                tunPersistent,
                tunOffload,
                tunTxQueueLength,
                refresh);
    }

    private static Inet4Address anyIpv4() {
        return (Inet4Address) new InetSocketAddress("0.0.0.0", 0).getAddress();
    }
}
