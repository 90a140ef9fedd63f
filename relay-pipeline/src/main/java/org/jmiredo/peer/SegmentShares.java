package org.jmiredo.peer;

/**
 * How a table's {@code maxPeers} divides among its segments: never more segments than peers, shares that differ by
 * at most one and sum to maxPeers (so {@link PeerTable#size()} never exceeds {@link PeerTable#capacity()}), and the
 * slot memory those shares reserve.
 */
final class SegmentShares {
    /** Largest share per segment: keeps the word index of {@code 4/3 * share} slots of 4 longs an int. */
    static final int MAX_SHARE = 400_000_000;

    private SegmentShares() {}

    /** Never more segments than peers, so every segment's share is at least one. */
    static int count(PeerTableSettings settings) {
        return Math.min(settings.segments(), Integer.highestOneBit(settings.maxPeers()));
    }

    /** The share of segment {@code index} of {@code count}: the first {@code maxPeers % count} get one more. */
    static int share(PeerTableSettings settings, int count, int index) {
        return settings.maxPeers() / count + (index < settings.maxPeers() % count ? 1 : 0);
    }

    /** The slot memory of every segment's largest array (see {@link PeerTable#slotBytes}). */
    static long slotBytes(PeerTableSettings settings) {
        int count = count(settings);
        int base = settings.maxPeers() / count;
        int extra = settings.maxPeers() % count;
        return extra * SlotArray.regionBytes(base + 1) + (count - extra) * SlotArray.regionBytes(base);
    }
}
