package org.jmiredo.e2e.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's files that the ops tests read. Surefire runs in e2e/, so the root is found, not assumed. */
final class RepoPaths {

    private static final Path ROOT = findRoot();

    private RepoPaths() {}

    static Path root() {
        return ROOT;
    }

    static Path file(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Walks up from the working directory to the directory holding deploy/ and the root pom. */
    private static Path findRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy"))
                    && Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("relay-server"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (with deploy/ and relay-server/) above " + start);
    }
}
