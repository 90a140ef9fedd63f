package org.jmiredo.bench.gen;

/** Which peer the {@code k}-th packet of a sender goes to or comes from. */
@FunctionalInterface
interface PeerOrder {
    int peer(long k);

    static PeerOrder roundRobin(int peers) {
        return k -> (int) (k % peers);
    }

    static PeerOrder of(int[] list) {
        return k -> list[(int) k];
    }
}
