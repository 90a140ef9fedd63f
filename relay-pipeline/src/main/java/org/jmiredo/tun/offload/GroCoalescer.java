package org.jmiredo.tun.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;

/**
 * Receive offload in user space for the packets one event loop writes into the tunnel: during a read burst
 * each packet is held; TCP segments and UDP datagrams of one flow that the kernel's GRO would merge
 * ({@link GroRules}) are joined into runs, and {@link #flush} writes each run of two or more as one GSO
 * super-packet, everything else as it came. One super-packet costs the kernel one write(2) instead of one
 * per segment.
 *
 * <p>Order: runs are written in the order of their first packet, members in arrival order. A packet of a
 * flow that cannot join that flow's run closes it, so later packets of the flow start a new run after it;
 * a packet whose upper layer is hidden behind an extension header closes every run between its two
 * addresses. Packets of one flow are therefore never reordered; packets of different flows may be.
 *
 * <p>Checksums: a merged packet's checksum is recomputed by the kernel, which would hide corruption, so a
 * packet joins a run only after its upper-layer checksum verified (a run's first packet is verified when
 * the second arrives: a packet alone costs no checksum). One that fails is written as it came.
 *
 * <p>Single-threaded (one per event loop), no lock, no allocation but the pooled super-packet buffers.
 * The caller must {@link #flush} at the end of every burst; {@link #add} flushes by itself when
 * {@link #MAX_HELD} packets are held.
 */
public final class GroCoalescer {
    /** Packets held at most: above the UDP read batch (64 a wake-up by default), so a burst rarely splits. */
    public static final int MAX_HELD = 128;

    private static final int TABLE_SLOTS = 2 * MAX_HELD; // load at most 1/2: short probes
    private static final int NO_RUN = 0;
    private static final int ONLY_WRITE = 0; // a run that takes no more members

    private final ByteBufAllocator allocator;
    private final GroOutput output;
    /** Per-instance hash seed: a sender cannot pick flows that collide on every relay. */
    private final long seed = ThreadLocalRandom.current().nextLong() | 1;

    // Held packets, by arrival; nextMember links the members of a run.
    private final ByteBuf[] packets = new ByteBuf[MAX_HELD];
    private final int[] nextMember = new int[MAX_HELD];
    private int held;

    // Runs, in the order of their first packet. runProtocol is TCP or UDP while the run may grow, else ONLY_WRITE.
    private final int[] runFirst = new int[MAX_HELD];
    private final int[] runLast = new int[MAX_HELD];
    private final int[] runCount = new int[MAX_HELD];
    private final int[] runProtocol = new int[MAX_HELD];
    private final int[] runHeader = new int[MAX_HELD]; // TCP or UDP header length
    private final int[] runSegment = new int[MAX_HELD]; // payload bytes of the first member: the GSO size
    private final int[] runLength = new int[MAX_HELD]; // upper-layer bytes of the super-packet so far
    private final int[] runNextSeq = new int[MAX_HELD]; // TCP: the sequence number the next member must have
    private final boolean[] runVerified = new boolean[MAX_HELD]; // first member verified (the rest are on joining)
    private final int[] runHash = new int[MAX_HELD];
    private final int[] runTableSlot = new int[MAX_HELD];
    private int runs;
    private final boolean udpRuns;

    // Open addressing from flow hash to run number + 1 (NO_RUN when free); a flow's newest run wins.
    private final int[] table = new int[TABLE_SLOTS];

    /** {@code udpRuns}: whether UDP datagrams may merge too (the device segments UDP: USO, Linux 6.2). */
    public GroCoalescer(ByteBufAllocator allocator, GroOutput output, boolean udpRuns) {
        this.allocator = allocator;
        this.output = output;
        this.udpRuns = udpRuns;
    }

    /** Packets held now (for tests and the held-packet bound). */
    public int held() {
        return held;
    }

    /** Takes ownership of {@code packet}, an IPv6 packet from its reader index to its writer index. */
    public void add(ByteBuf packet) {
        if (held == MAX_HELD) {
            try {
                flush();
            } catch (RuntimeException | Error e) {
                packet.release(); // ours from the call on, though never held: nothing else would release it
                throw e;
            }
        }
        int slot = held++;
        packets[slot] = packet;
        nextMember[slot] = -1;
        int at = packet.readerIndex();
        int length = packet.readableBytes();
        if (length < Ipv6.HEADER_LENGTH
                || Ipv6.version(packet, at) != 6
                || Ipv6.payloadLength(packet, at) != length - Ipv6.HEADER_LENGTH) {
            newRun(slot, ONLY_WRITE, -1, 0, -1); // malformed (or a jumbogram): the kernel's business
            return;
        }
        int protocol = Ipv6.nextHeader(packet, at);
        int l4Length = length - Ipv6.HEADER_LENGTH;
        int header = protocol == GroRules.TCP || protocol == GroRules.UDP
                ? GroRules.headerLength(packet, at, protocol, l4Length)
                : -1;
        if (header < 0) {
            if (protocol != Ipv6.NEXT_HEADER_ICMPV6 && protocol != Ipv6.NEXT_HEADER_NONE) {
                closeRunsBetween(packet, at); // an extension header may hide one of the held flows
            }
            newRun(slot, ONLY_WRITE, -1, 0, -1);
            return;
        }
        if (protocol == GroRules.UDP && !udpRuns) {
            newRun(slot, ONLY_WRITE, -1, 0, -1); // a whole datagram, written alone in its place
            return;
        }
        addToFlow(slot, packet, at, protocol, l4Length, header);
    }

    private void addToFlow(int slot, ByteBuf packet, int at, int protocol, int l4Length, int header) {
        int hash = flowHash(packet, at);
        int tableSlot = hash & (TABLE_SLOTS - 1);
        int run = -1;
        for (int entry; (entry = table[tableSlot]) != NO_RUN; tableSlot = (tableSlot + 1) & (TABLE_SLOTS - 1)) {
            if (runHash[entry - 1] == hash && sameFlow(packets[runFirst[entry - 1]], packet, at)) {
                run = entry - 1;
                break;
            }
        }
        if (run >= 0 && runProtocol[run] != ONLY_WRITE && join(run, slot, packet, at, l4Length)) {
            return;
        }
        boolean starts = GroRules.canStart(packet, at, protocol, l4Length, header);
        int newRun = newRun(slot, starts ? protocol : ONLY_WRITE, hash, header, tableSlot);
        if (starts) {
            runSegment[newRun] = l4Length - header;
            runLength[newRun] = l4Length;
            runNextSeq[newRun] =
                    protocol == GroRules.TCP ? packet.getInt(at + GroRules.TCP_SEQ) + runSegment[newRun] : 0;
        }
        // The flow's newest run takes the old one's place: nothing later can join the old one, which keeps
        // this packet after it.
        table[tableSlot] = newRun + 1;
    }

    /** Appends the packet to the run when the rules and both checksums allow; false leaves the run as it was. */
    private boolean join(int run, int slot, ByteBuf packet, int at, int l4Length) {
        ByteBuf head = packets[runFirst[run]];
        int h = head.readerIndex();
        int protocol = runProtocol[run];
        int header = runHeader[run];
        int payload = l4Length - header;
        int segment = runSegment[run];
        if (payload <= 0
                || payload > segment
                || runLength[run] + payload > GroRules.MAX_L4_LENGTH
                || !GroRules.sameIpv6Fields(head, h, packet, at)) {
            return false;
        }
        if (protocol == GroRules.TCP) {
            if (packet.getInt(at + GroRules.TCP_SEQ) != runNextSeq[run]
                    || !GroRules.tcpContinues(head, h, packet, at, header)) {
                return false;
            }
        } else if (!GroRules.udpContinues(packet, at, l4Length)) {
            return false;
        }
        if (!runVerified[run]) {
            if (!Checksum.verifies(head, h)) {
                return false;
            }
            runVerified[run] = true;
        }
        if (!Checksum.verifies(packet, at)) {
            return false;
        }
        nextMember[runLast[run]] = slot;
        runLast[run] = slot;
        runCount[run]++;
        runLength[run] += payload;
        runNextSeq[run] += payload;
        boolean full = runLength[run] + segment > GroRules.MAX_L4_LENGTH;
        boolean last = payload < segment
                || full
                || (protocol == GroRules.TCP
                        ? GroRules.pushes(packet, at)
                        : runCount[run] == GroRules.UDP_MAX_SEGMENTS);
        if (last) {
            runProtocol[run] = ONLY_WRITE;
        }
        return true;
    }

    private int newRun(int slot, int protocol, int hash, int header, int tableSlot) {
        int run = runs++;
        runFirst[run] = slot;
        runLast[run] = slot;
        runCount[run] = 1;
        runProtocol[run] = protocol;
        runHeader[run] = header;
        runVerified[run] = false;
        runHash[run] = hash;
        runTableSlot[run] = tableSlot;
        return run;
    }

    /** Closes every run whose packets go between the same two addresses as the packet at {@code at}. */
    private void closeRunsBetween(ByteBuf packet, int at) {
        for (int run = 0; run < runs; run++) {
            ByteBuf head = packets[runFirst[run]];
            if (runProtocol[run] != ONLY_WRITE && sameAddresses(head, head.readerIndex(), packet, at)) {
                runProtocol[run] = ONLY_WRITE;
            }
        }
    }

    /** Writes every held packet: runs of two or more as super-packets, the others as they came. */
    public void flush() {
        int run = 0;
        try {
            while (run < runs) {
                writeRun(run++); // counted first: a run handed to the output is the output's, even on a throw
            }
        } finally {
            for (; run < runs; run++) { // only after a throw: release what was not written
                for (int m = runFirst[run]; m >= 0; m = nextMember[m]) {
                    packets[m].release();
                }
            }
            for (int r = 0; r < runs; r++) {
                if (runTableSlot[r] >= 0) {
                    table[runTableSlot[r]] = NO_RUN;
                }
            }
            Arrays.fill(packets, 0, held, null);
            runs = 0;
            held = 0;
        }
    }

    private void writeRun(int run) {
        int first = runFirst[run];
        if (runCount[run] == 1) {
            output.single(packets[first]);
            return;
        }
        ByteBuf superPacket;
        try {
            superPacket = SuperPackets.build(allocator, packets, nextMember, first, runHeader[run], runLength[run]);
        } finally {
            for (int m = first; m >= 0; m = nextMember[m]) {
                packets[m].release();
            }
        }
        int originalBytes = runLength[run] + runCount[run] * Ipv6.HEADER_LENGTH + (runCount[run] - 1) * runHeader[run];
        output.segmented(
                superPacket,
                Ipv6.nextHeader(superPacket, superPacket.readerIndex()),
                runSegment[run],
                runCount[run],
                originalBytes);
    }

    private int flowHash(ByteBuf p, int at) {
        long x = p.getLong(at + Ipv6.SRC_OFFSET) * seed
                ^ Long.rotateLeft(p.getLong(at + Ipv6.SRC_OFFSET + 8), 13)
                ^ Long.rotateLeft(p.getLong(at + Ipv6.DST_OFFSET), 29)
                ^ Long.rotateLeft(p.getLong(at + Ipv6.DST_OFFSET + 8), 43)
                ^ ((long) p.getInt(at + GroRules.L4) << 8 | Ipv6.nextHeader(p, at));
        x *= seed;
        return (int) (x ^ (x >>> 32));
    }

    /** Same addresses, next header and ports. */
    private static boolean sameFlow(ByteBuf head, ByteBuf p, int at) {
        int h = head.readerIndex();
        return sameAddresses(head, h, p, at)
                && head.getInt(h + GroRules.L4) == p.getInt(at + GroRules.L4)
                && head.getByte(h + Ipv6.NEXT_HEADER_OFFSET) == p.getByte(at + Ipv6.NEXT_HEADER_OFFSET);
    }

    private static boolean sameAddresses(ByteBuf head, int h, ByteBuf p, int at) {
        for (int i = Ipv6.SRC_OFFSET; i < Ipv6.HEADER_LENGTH; i += 8) {
            if (head.getLong(h + i) != p.getLong(at + i)) {
                return false;
            }
        }
        return true;
    }
}
