package org.jmiredo.server.config;

import java.util.List;

/**
 * A configuration that cannot be used. Each problem is one line that says where it is and what is wrong,
 * {@code FILE:LINE: KEY: reason} for HOCON and {@code FILE:LINE: directive "X": reason} for miredo.conf,
 * so that an operator can go straight to the line.
 */
public final class InvalidConfigException extends Exception {
    private final List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), requireSome(problems)));
        this.problems = List.copyOf(problems);
    }

    public InvalidConfigException(String problem) {
        this(List.of(problem));
    }

    /** One line per problem, in file order where the source has one. */
    public List<String> problems() {
        return problems;
    }

    private static List<String> requireSome(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid configuration has at least one problem");
        }
        return problems;
    }
}
