package org.jmiredo.pipeline;

import io.netty.channel.Channel;
import org.jmiredo.engine.Bubbles;
import org.jmiredo.engine.BurstClock;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.IcmpErrors;
import org.jmiredo.engine.Reception;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.engine.Transmission;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.proto.BubbleSource;
import org.jmiredo.tun.TunQueue;

/**
 * The per-loop objects of a relay data path: its counters, rules and output, built once per event loop
 * (with its main channel) and used only by that loop's thread. The warm-up builds one of its own over the
 * same classes ({@link HandshakeWarmUp}).
 */
final class LoopPath {
    final DataPathCounters counters = new DataPathCounters();
    /** The loop's main channel and tunnel queue, as the transport wired them. */
    final Channel udp;

    final TunQueue tun;
    /** The rules' clock, read once per burst of either path. */
    final BurstClock clock;

    final UdpTunOutput output;
    final Reception reception;
    final Transmission transmission;
    final Bubbles bubbles;

    /**
     * @param budgets the relay's per-second budgets, shared by every loop (the warm-up's are its own)
     */
    LoopPath(
            Channel udp,
            TunQueue tun,
            PeerTable peers,
            BubbleSource source,
            RelaySettings settings,
            RelayBudgets budgets,
            UdpSender.Factory senders,
            Clock clock) {
        this.udp = udp;
        this.tun = tun;
        this.clock = new BurstClock(clock);
        output = new UdpTunOutput(udp, senders, tun, counters);
        bubbles = new Bubbles(source, udp.alloc());
        IcmpErrors icmp = new IcmpErrors(budgets.icmpErrors(), udp.alloc(), counters);
        reception = new Reception(settings, peers, bubbles, this.clock, counters, budgets.unknownBubbles());
        transmission = new Transmission(
                settings, peers, bubbles, icmp, this.clock, counters, udp.alloc(), budgets.unknownBubbles());
    }

    /** The UDP-to-tunnel path of one of this loop's sockets, bound to local address {@code local}. */
    RelayIngress ingress(int local) {
        return new RelayIngress(reception, output, counters, clock, local);
    }

    /** The tunnel-to-UDP path of this loop. */
    TunToUdpPath tunReceiver() {
        return new TunToUdpPath(transmission, output, counters, clock);
    }
}
