package org.jmiredo.tun;

import io.netty.buffer.ByteBuf;

/**
 * One queue of a tunnel device, owned by one event loop: every call comes from that loop's thread.
 * Reading is push-style: the queue calls its {@link TunReceiver} when packets arrive.
 */
public interface TunQueue {
    /**
     * Writes one IPv6 packet (the readable bytes of {@code packet}). Never blocks. Returns false when the
     * device refused it (full or down); the caller counts the drop. Does not release {@code packet}.
     */
    boolean write(ByteBuf packet);

    /**
     * True when this queue takes GSO super-packets through {@link #writeSegmented} (a Linux TUN opened with
     * {@code IFF_VNET_HDR} whose kernel accepted the offloads); false otherwise, and then
     * {@link #writeSegmented} must not be called.
     */
    default boolean segmentedWrites() {
        return false;
    }

    /**
     * True when {@link #writeSegmented} also takes UDP super-packets: the kernel segments UDP (USO, Linux 6.2).
     * Implies {@link #segmentedWrites()}.
     */
    default boolean segmentedUdpWrites() {
        return false;
    }

    /**
     * Writes one GSO super-packet that the kernel cuts into segments of {@code segmentSize} payload bytes
     * (the last may be shorter). Layout: a 40-byte IPv6 header (no extension headers) whose payload length
     * covers the whole super-packet, then the TCP ({@code protocol} 6) or UDP (17) header, then the
     * concatenated payloads; UDP only when {@link #segmentedUdpWrites()}. The TCP/UDP checksum field holds the folded, not complemented, pseudo-header
     * sum over the whole super-packet's addresses, protocol and L4 length (the kernel's CHECKSUM_PARTIAL
     * convention); the kernel completes it per segment. Never blocks; false when refused, as {@link #write}.
     * Does not release {@code superPacket}.
     */
    default boolean writeSegmented(ByteBuf superPacket, int protocol, int segmentSize) {
        throw new UnsupportedOperationException("this TUN queue takes no GSO super-packets");
    }
}
