package org.jmiredo.server.tun.linux;

import java.util.BitSet;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code tun.receive-steering}: which CPUs the kernel's receive packet steering (RPS) hands the packets the
 * relay writes to its tunnel. A write(2) to a TUN device runs the packet's whole way on (netif_receive_skb:
 * IPv6 forwarding, the outgoing device, often the receiver's wake-up) inside the call, on the event loop's
 * CPU; with an rps_cpus mask on the device's receive queue, netif_receive_skb queues the packet to the
 * backlog of a CPU picked by its flow hash instead, and the write returns (drivers/net/tun.c tun_rx_batched,
 * net/core/dev.c get_rps_cpu). That frees the loop where other CPUs are idle, at the price of a hand-over per
 * packet (BENCHMARKS.md, "kernel forwarding off the relay's core").
 *
 * @param kind off (the kernel's mask stays), auto (the CPUs this process may run on) or a list
 * @param cpus the listed CPUs; empty unless {@code kind} is {@link Kind#CPUS}
 */
public record ReceiveSteering(Kind kind, BitSet cpus) {
    public enum Kind {
        OFF,
        AUTO,
        CPUS
    }

    public static final ReceiveSteering OFF = new ReceiveSteering(Kind.OFF, new BitSet());
    public static final ReceiveSteering AUTO = new ReceiveSteering(Kind.AUTO, new BitSet());

    public ReceiveSteering {
        cpus = (BitSet) cpus.clone();
        if ((kind == Kind.CPUS) == cpus.isEmpty()) {
            throw new IllegalArgumentException("a CPU list, and only a CPU list, names CPUs");
        }
    }

    @Override
    public BitSet cpus() {
        return (BitSet) cpus.clone();
    }

    /** Parses off, auto (case-insensitively) or a CPU list ({@link CpuList#parse}). */
    public static ReceiveSteering parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "off" -> OFF;
            case "auto" -> AUTO;
            default -> new ReceiveSteering(Kind.CPUS, CpuList.parse(text));
        };
    }

    /** The configuration spelling: off, auto or the canonical CPU list. */
    public String label() {
        return kind == Kind.CPUS ? CpuList.format(cpus) : kind.name().toLowerCase(Locale.ROOT);
    }

    /** The CPUs to steer to, given those the process may run on; empty for off. */
    public Optional<BitSet> resolve(BitSet allowed) {
        return switch (kind) {
            case OFF -> Optional.empty();
            case AUTO -> Optional.of((BitSet) allowed.clone());
            case CPUS -> Optional.of(cpus());
        };
    }
}
