package org.jmiredo.bench;

import java.util.Arrays;
import org.jmiredo.bench.gen.Bench;
import org.jmiredo.bench.jmh.Footprint;

/**
 * Entry point of relay-bench: {@code footprint N...} measures the peer table's bytes per peer; anything
 * else runs the load generator ({@code --help} for its options). JMH runs with {@code org.openjdk.jmh.Main}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("footprint")) {
            Footprint.main(Arrays.copyOfRange(args, 1, args.length));
        } else {
            Bench.main(args);
        }
    }
}
