package org.jmiredo.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.TransportConfig;
import org.jmiredo.server.transport.TransportSettings;
import org.jmiredo.server.tun.linux.TunOffloadMode;

/** Maps the validated configuration onto the transport's settings record. */
final class TransportSettingsMapping {
    /** A Teredo prefix is always a /32 (RFC 4380 §2.6); the configuration refuses anything else. */
    static final int TEREDO_PREFIX_LENGTH = 32;

    private TransportSettingsMapping() {}

    static TransportSettings of(DaemonConfig config) {
        TransportConfig t = config.transport();
        return new TransportSettings(
                t.eventLoops(),
                ipv4(config.relay().bindAddress()),
                config.relay().bindPort(),
                t.recvBatch(),
                t.maxMessagesPerRead(),
                t.socketReceiveBuffer(),
                t.socketSendBuffer(),
                t.udpGro(),
                config.tun().name(),
                config.tun().mtu(),
                config.tun().readBudget(),
                prefix(config.relay().prefix()),
                TEREDO_PREFIX_LENGTH,
                config.tun().persistent(),
                config.tun().offload(),
                config.tun().txQueueLength(),
                t.localAddressRefresh());
    }

    /**
     * The client's: one event loop (one socket, one tunnel queue), its own bind address and port, a tunnel it
     * creates without offloads, no per-address sockets (it answers from its one socket).
     */
    static TransportSettings client(DaemonConfig config) {
        TransportConfig t = config.transport();
        return new TransportSettings(
                1,
                ipv4(config.client().bindAddress()),
                config.client().bindPort(),
                t.recvBatch(),
                t.maxMessagesPerRead(),
                t.socketReceiveBuffer(),
                t.socketSendBuffer(),
                false,
                config.tun().name(),
                config.tun().mtu(),
                config.tun().readBudget(),
                prefix(config.relay().prefix()),
                TEREDO_PREFIX_LENGTH,
                false,
                TunOffloadMode.OFF,
                config.tun().txQueueLength(),
                Duration.ZERO);
    }

    static Inet4Address ipv4(int address) {
        try {
            return (Inet4Address) InetAddress.getByAddress(Ipv4.toBytes(address));
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }

    /** The first 32 bits of the prefix followed by zeros. */
    static Inet6Address prefix(int prefix) {
        byte[] bytes = new byte[16];
        System.arraycopy(Ipv4.toBytes(prefix), 0, bytes, 0, 4);
        try {
            return Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("sixteen bytes are always an IPv6 address", e);
        }
    }
}
