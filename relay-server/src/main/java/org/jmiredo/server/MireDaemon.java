package org.jmiredo.server;

import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.pipeline.server.MireDataPath;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Teredo;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.transport.UdpLoops;

/**
 * {@code jmiredo mire}: the equivalent of Miredo's {@code teredo-mire}, a stateless responder to ICMPv6 echo
 * requests over Teredo, on UDP 3544 (its own "server" port) and 3545 (its peer port) of one address. Its
 * Teredo address is {@code <prefix>:<address>:0:<~3545>:<~address>} ({@link MireDataPath}).
 */
public final class MireDaemon extends UdpRoleDaemon {
    private final int address;
    private final MireDataPath dataPath = new MireDataPath();

    private MireDaemon(DaemonConfig config, int address) {
        super(config);
        this.address = address;
    }

    /**
     * @param address the IPv4 to bind, network order; 0 for all (then the answers leave from whichever
     *     address the kernel picks, and the mire's Teredo address is the one its clients address)
     */
    public static MireDaemon start(DaemonConfig config, int address) throws StartupException {
        MireDaemon daemon = new MireDaemon(config, address);
        daemon.startAll();
        return daemon;
    }

    @Override
    void preflight() throws StartupException {
        if (address != 0) {
            HostAddresses.requireUsable("--bind", address, HostAddresses.ipv4());
        }
    }

    @Override
    String conntrackRole() {
        return "mire";
    }

    @Override
    List<Integer> conntrackPorts() {
        return List.of(Teredo.SERVICE_PORT, MireDataPath.PEER_PORT);
    }

    @Override
    Map<String, Integer> boundAddresses() {
        return Map.of("--bind", address);
    }

    @Override
    void bind(UdpLoops loops) throws IOException {
        List<Channel> services = loops.bindOnEveryLoop(socket(Teredo.SERVICE_PORT), (channel, i) -> {});
        loops.bindOnEveryLoop(
                socket(MireDataPath.PEER_PORT), (channel, i) -> dataPath.initChannels(services.get(i), channel));
    }

    private InetSocketAddress socket(int port) {
        return new InetSocketAddress(TransportSettingsMapping.ipv4(address), port);
    }

    @Override
    DataPathRole dataPathRole() {
        return DataPathRole.MIRE;
    }

    @Override
    List<DataPathCounters> counters() {
        return dataPath.counters();
    }

    @Override
    String describe() {
        return "Teredo mire on " + Ipv4.toString(address) + ":" + Teredo.SERVICE_PORT + " and " + Ipv4.toString(address)
                + ":" + MireDataPath.PEER_PORT;
    }
}
