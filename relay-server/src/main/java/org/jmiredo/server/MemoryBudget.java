package org.jmiredo.server;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;

/**
 * The peer table's bounds against the memory the process may have. Both bounds are reached only under load (a
 * flood of new peers fills the table and the queues), so a {@code peers.max} or queue budget larger than a
 * container's memory limit used to start fine and get the relay OOM-killed later, losing every peer, at the moment
 * it was busiest; with huge pages the table's slot memory is committed 2 MiB at a time and a large table holds most
 * of it long before it is full. Refused at start instead, with the figures.
 */
final class MemoryBudget {
    private static final long MIB = 1024 * 1024;

    private MemoryBudget() {}

    /**
     * Why {@code peers} cannot fit in {@code totalMemory} bytes (the container's limit, else the host's memory), or
     * empty when it can: the slot memory at {@code peers.max} and the queues at their budget together must stay
     * below it.
     */
    static Optional<String> problem(PeerTableSettings peers, long totalMemory) {
        if (totalMemory <= 0 || bytes(peers) < totalMemory) {
            return Optional.empty();
        }
        return Optional.of(figures(peers) + ", together more than the " + totalMemory / MIB + " MiB of memory this "
                + "process may use (the container's or cgroup's limit, else the host's): under load the relay would be "
                + "killed for want of memory; lower them (about 43 bytes a peer) or give it more memory");
    }

    /**
     * A warning when the bounds fit but take more than half of {@code totalMemory}: the heap, Netty's buffers and
     * the JVM need the rest (an idle relay is about 150 MB resident), so a flood that fills them may still get the
     * relay killed. Empty otherwise.
     */
    static Optional<String> warning(PeerTableSettings peers, long totalMemory) {
        if (totalMemory <= 0 || bytes(peers) <= totalMemory / 2) {
            return Optional.empty();
        }
        return Optional.of(figures(peers) + ", more than half the " + totalMemory / MIB + " MiB of memory this "
                + "process may use: the JVM, its heap and Netty's buffers need the rest (about 150 MB idle), so a "
                + "flood that fills them may get the relay killed for want of memory; lower them or give it more");
    }

    private static long bytes(PeerTableSettings peers) {
        return PeerTable.slotBytes(peers) + (long) peers.maxQueuedPeers() * peers.queueBytesPerPeer();
    }

    private static String figures(PeerTableSettings peers) {
        return "jmiredo.peers: a full peer table (peers.max = " + peers.maxPeers() + ") takes "
                + PeerTable.slotBytes(peers) / MIB + " MiB and the queues (peers.max-queued-peers x "
                + "peers.queue-bytes-per-peer = " + peers.maxQueuedPeers() + " x " + peers.queueBytesPerPeer()
                + ") up to " + (long) peers.maxQueuedPeers() * peers.queueBytesPerPeer() / MIB + " MiB";
    }

    /** The memory this process may use: the JVM reads a container's limit (cgroup v1 or v2), else the host's. */
    static long totalMemory() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }
}
