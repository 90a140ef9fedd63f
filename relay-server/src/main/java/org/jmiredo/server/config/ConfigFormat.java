package org.jmiredo.server.config;

import java.util.List;
import java.util.regex.Pattern;

/** The two configuration syntaxes the daemon reads, and how to tell them apart. */
public enum ConfigFormat {
    /** HOCON (Typesafe Config), the daemon's own. */
    HOCON,
    /** Miredo's {@code Directive value} lines (miredo.conf(5), miredo-server.conf(5)). */
    MIREDO;

    /** A bare word, white space, then a value that does not start a HOCON separator or object. */
    private static final Pattern MIREDO_LINE = Pattern.compile("[A-Za-z][A-Za-z0-9]*\\s+[^\\s=:{].*");

    /**
     * Guesses from the first line that is neither blank nor a comment. {@code Word value} is Miredo's form
     * and is not valid HOCON (a HOCON key is followed by '=', ':' or '{'), except HOCON's {@code include}.
     * A file of only comments is HOCON (the defaults).
     */
    public static ConfigFormat detect(List<String> lines) {
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("//")) {
                continue;
            }
            boolean miredo = MIREDO_LINE.matcher(line).matches() && !line.startsWith("include ");
            return miredo ? MIREDO : HOCON;
        }
        return HOCON;
    }
}
