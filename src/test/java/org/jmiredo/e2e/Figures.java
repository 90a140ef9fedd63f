package org.jmiredo.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.TestReporter;

/**
 * Measured figures (throughput, recovery times) go to the test output, the JUnit report and
 * {@code target/e2e/<run>/figures.txt}, so that a CI log shows them without digging.
 */
final class Figures {

    private final Path file;
    private final String relay;

    Figures(Lab lab, RelayKind relay) {
        this.file = lab.dir().resolve("figures.txt");
        this.relay = relay.name().toLowerCase(java.util.Locale.ROOT);
    }

    void record(TestReporter reporter, String key, String value) {
        String line = "[e2e " + relay + "] " + key + " = " + value;
        System.out.println(line);
        reporter.publishEntry(relay + "." + key, value);
        try {
            Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
