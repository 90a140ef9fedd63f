package org.jmiredo.server.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Suggests the known key an operator probably meant, by edit distance. */
final class KeySuggestions {
    private KeySuggestions() {}

    /** The closest known key, when it is close enough to be a typo (at most a quarter of the length, min 2). */
    static Optional<String> nearest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? Optional.ofNullable(best) : Optional.empty();
    }

    /**
     * The known keys of the same last name in other sections, nearest first, joined by "or": a key written in the
     * wrong section ({@code jmiredo.relay.mtu} for {@code jmiredo.tun.mtu}), which the edit distance of the whole
     * path misses or points to a wrong key of the same section ({@code jmiredo.relay.type}).
     */
    static Optional<String> sameName(String key, Collection<String> known) {
        String name = key.substring(key.lastIndexOf('.') + 1);
        List<String> same = known.stream()
                .filter(k -> k.endsWith("." + name) || k.equals(name))
                .sorted(Comparator.comparingInt((String k) -> distance(key, k)).thenComparing(k -> k))
                .toList();
        return same.isEmpty() ? Optional.empty() : Optional.of(String.join(" or ", same));
    }

    /** Levenshtein distance, two rows. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
