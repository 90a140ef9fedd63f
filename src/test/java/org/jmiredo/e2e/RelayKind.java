package org.jmiredo.e2e;

import java.nio.file.Path;
import java.util.Locale;
import org.jmiredo.e2e.lab.Preconditions;

/**
 * Which relay runs in rly. The default is ours; {@code -Djmiredo.e2e.relay=miredo} runs the same
 * scenario against Debian Miredo's relay for a manual baseline.
 */
enum RelayKind {
    JMIREDO,
    MIREDO;

    static final String PROPERTY = "jmiredo.e2e.relay";

    static RelayKind selected() {
        String value = System.getProperty(PROPERTY, "jmiredo").strip().toUpperCase(Locale.ROOT);
        try {
            return valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + " must be jmiredo or miredo, not " + value, e);
        }
    }

    /** The packaged daemon (surefire sets {@code jmiredo.jar}, see e2e/pom.xml). */
    static Path jar() {
        return Preconditions.daemonJar();
    }

    /** The JVM that runs the daemon: the build's own (Java 25) unless told otherwise. */
    static Path java() {
        return Preconditions.daemonJava();
    }

    RelayUnderTest create(Lab lab) {
        return switch (this) {
            case JMIREDO -> new JmiredoRelay(lab, java(), jar());
            case MIREDO -> new MiredoRelay(lab);
        };
    }
}
