package org.jmiredo.peer;

/**
 * The bytes the relay may still send to peers it trusts without proof (UNPROVED in {@link SlotLayout}): one small
 * table per segment, read and written only under that segment's lock, so no atomics and no allocation.
 *
 * <p>Why: with {@code relay.unknown-peers = accept-matching} one datagram whose outer source is forged to a
 * victim's address and port, carrying a packet from a Teredo address that embeds that mapping, makes the relay
 * trust the peer at once, and every reply of the native host it names then goes to the victim. An amplifying
 * native service (a DNS resolver, a large answer to a small request) would make the relay a reflector. So, as
 * QUIC's servers before a client's address is validated (RFC 9000 §8.1), the relay sends such a peer at most
 * {@value #FACTOR} times the bytes it received from it; beyond that the packets wait in the peer's queue while the
 * ordinary bubbles go out, and the peer's keyed answer (M15) proves it and releases them.
 *
 * <p>Direct-mapped by the address's keyed hash, {@value #SLOTS} peers a segment (256 segments by default: 16,384
 * unproved peers at once). A peer whose slot another unproved peer took has no credit left: its packets wait for
 * its proof, never go out unaccounted. The hash is SipHash under a secret key, so a spoofer cannot aim at one
 * peer's slot. Memory: 12 bytes a slot, 768 bytes a segment.
 */
public final class ProofCredits {
    /** Bytes sent per byte received before a peer is proved (RFC 9000 §8.1 uses 3). */
    public static final int FACTOR = 3;
    /** Most credit one peer holds: a spoofer's earlier datagrams cannot buy a large burst later. */
    public static final int MAX_CREDIT = 64 * 1024;

    static final int SLOTS = 64;

    private final long[] tags = new long[SLOTS];
    private final int[] credits = new int[SLOTS];

    /** Starts the credit of a new unproved peer at {@link #FACTOR} times the {@code received} bytes. */
    public void start(long hash, int received) {
        int i = index(hash);
        tags[i] = hash;
        credits[i] = Math.min(FACTOR * Math.max(received, 0), MAX_CREDIT);
    }

    /** Adds {@link #FACTOR} times the {@code received} bytes to the peer's credit (starting it if another held the slot). */
    public void grant(long hash, int received) {
        int i = index(hash);
        int was = tags[i] == hash ? credits[i] : 0;
        tags[i] = hash;
        credits[i] = (int) Math.min((long) was + (long) FACTOR * Math.max(received, 0), MAX_CREDIT);
    }

    /** True (and the bytes taken) if the peer's credit covers {@code bytes}; false leaves it as it was. */
    public boolean spend(long hash, int bytes) {
        int i = index(hash);
        if (tags[i] != hash || credits[i] < bytes) {
            return false;
        }
        credits[i] -= bytes;
        return true;
    }

    /** The peer's credit now (0 when it has none). */
    public int credit(long hash) {
        int i = index(hash);
        return tags[i] == hash ? credits[i] : 0;
    }

    /** Frees the peer's slot once it is proved or gone. */
    public void forget(long hash) {
        int i = index(hash);
        if (tags[i] == hash) {
            tags[i] = 0;
            credits[i] = 0;
        }
    }

    private static int index(long hash) {
        return (int) hash & (SLOTS - 1); // the segment took the hash's upper half
    }
}
