package org.jmiredo.server.transport;

import java.util.HashMap;
import java.util.Map;

/**
 * Gives each local address a small index (1 to {@code max}), the name under which the peer table remembers
 * which address a peer reached. A released index is taken again only after every other free one: a peer
 * entry may still hold it for a while, and the longer before it names another address, the likelier that
 * entry has been refreshed or has expired. Not thread-safe; its owner serialises calls.
 */
final class LocalAddressIndexes {
    private final int max;
    private final Map<Integer, Integer> byAddress = new HashMap<>();
    private final boolean[] taken;
    private int next = 1;

    LocalAddressIndexes(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        this.max = max;
        this.taken = new boolean[max + 1];
    }

    /** The index of {@code address}, given now if it has none; 0 when all {@code max} are taken. */
    int assign(int address) {
        Integer known = byAddress.get(address);
        if (known != null) {
            return known;
        }
        for (int i = 0; i < max; i++) {
            int candidate = (next - 1 + i) % max + 1;
            if (!taken[candidate]) {
                taken[candidate] = true;
                byAddress.put(address, candidate);
                next = candidate % max + 1;
                return candidate;
            }
        }
        return 0;
    }

    /** Frees the index of {@code address}, if it has one. */
    void release(int address) {
        Integer index = byAddress.remove(address);
        if (index != null) {
            taken[index] = false;
        }
    }
}
