package org.jmiredo.peer;

import java.util.function.ToIntFunction;
import org.jmiredo.proto.TeredoAddress;

/** Test fixtures: Teredo-shaped keys, tables with a fixed hash key, and lock-scoped access. */
final class Peers {
    static final int PREFIX = 0x20010000;

    private Peers() {}

    /** Bytes 0-7 of a Teredo address behind server {@code 192.0.2.x}-like IPv4 {@code server}. */
    static long hi(int server) {
        return TeredoAddress.hi(PREFIX, server);
    }

    /** Bytes 8-15 of peer number {@code n}: distinct n give distinct values, spread over all bits. */
    static long lo(long n) {
        long z = n * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31); // a bijection of n (splitmix64 finalizer)
    }

    static PeerTable table(int maxPeers, int segments) {
        return table(new PeerTableSettings(maxPeers, segments, 60, 4 * 1280, 64));
    }

    static PeerTable table(PeerTableSettings settings) {
        return new PeerTable(settings, new PeerHash(0x0123456789abcdefL, 0x0fedcba987654321L));
    }

    /** Runs {@code action} on the segment of (hi, lo) under its lock. */
    static int locked(PeerTable table, long hi, long lo, ToIntFunction<PeerTable.Segment> action) {
        PeerTable.Segment segment = table.segment(hi, lo);
        segment.lock();
        try {
            return action.applyAsInt(segment);
        } finally {
            segment.unlock();
        }
    }

    static int find(PeerTable table, long hi, long lo) {
        return locked(table, hi, lo, s -> s.find(hi, lo));
    }

    static boolean contains(PeerTable table, long hi, long lo) {
        return find(table, hi, lo) >= 0;
    }

    /** Inserts (hi, lo) if absent; returns its slot. */
    static int put(PeerTable table, long hi, long lo, int now) {
        return locked(table, hi, lo, s -> {
            int slot = s.find(hi, lo);
            return slot >= 0 ? slot : s.insert(hi, lo, now);
        });
    }

    static void touch(PeerTable table, long hi, long lo, int now) {
        locked(table, hi, lo, s -> {
            s.touch(s.find(hi, lo), now);
            return 0;
        });
    }

    static void remove(PeerTable table, long hi, long lo) {
        locked(table, hi, lo, s -> {
            s.remove(s.find(hi, lo));
            return 0;
        });
    }
}
