package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;

/**
 * Where the datagrams of one UDP socket go, one read burst at a time, whoever reads the socket: Netty's
 * pipeline (through {@link UdpIngressHandler}: NIO, kqueue, EmbeddedChannel) or, on epoll, the transport's
 * own recvmmsg(2), which hands over a slot of a pooled buffer and the sender as two ints, with no object per
 * datagram. Every call happens on the socket's event loop; a burst is any number of {@link #receive} and
 * {@link #truncated} calls followed by one {@link #burstEnd}.
 */
public interface UdpIngress {
    /**
     * One datagram: its UDP payload between reader and writer index, from {@code srcIpv4} (first octet
     * highest; 0 when the sender is not IPv4) and {@code srcPort}. Takes ownership: the datagram is
     * released here or by whatever keeps it. Throws nothing.
     */
    void receive(ByteBuf datagram, int srcIpv4, int srcPort);

    /**
     * The datagrams {@code datagrams[0..count-1]} of one read, from {@code srcIpv4[i]:srcPort[i]}, each as
     * {@link #receive(ByteBuf, int, int)} takes it (ownership included), in order. The relay's ingress
     * overrides it to look up the peers of the whole read at once; by default, one {@code receive} each.
     */
    default void receive(ByteBuf[] datagrams, int[] srcIpv4, int[] srcPort, int count) {
        for (int i = 0; i < count; i++) {
            receive(datagrams[i], srcIpv4[i], srcPort[i]);
        }
    }

    /** A datagram of {@code length} bytes that did not fit the reader's buffer and was cut: dropped, counted. */
    void truncated(int length);

    /** A read of the socket failed (other than "nothing to read"); counted. The reader carries on. */
    void receiveFailed();

    /** The end of a read burst: what the burst queued leaves now (one sendmmsg, the tunnel's held packets). */
    void burstEnd();

    /**
     * A failure Netty reports through the channel's pipeline, outside any datagram handed over here (e.g. a
     * failed write); counted and logged at debug only.
     */
    void failed(Throwable cause);
}
