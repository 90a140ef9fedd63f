package org.jmiredo.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every module's layout test checks (STYLE.md item 8): files under about 400 lines and methods under about
 * 60, past which only what the module's allowlist names (with its reason) may go. The module's own rules are
 * the subclass's tests, over {@link #sources}: the module's main sources, parsed once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ModuleLayoutTest {
    static final int FILE_LINES = 400;
    static final int METHOD_LINES = 60;

    /** The module's {@code src/main/java} (the tests run in the module's directory). */
    protected SourceTree sources;

    /** Files allowed past {@value #FILE_LINES} lines ({@code org/jmiredo/...java}), each with its reason. */
    protected abstract Map<String, String> longFiles();

    /** Methods allowed past {@value #METHOD_LINES} lines ({@code file:name}), each with its reason. */
    protected abstract Map<String, String> longMethods();

    @BeforeAll
    void parse() throws IOException {
        sources = SourceTree.parse(Path.of("src/main/java"));
    }

    @Test
    void filesAreShort() {
        assertThat(sources.longFiles(FILE_LINES, longFiles()))
                .as("files over %d lines: split them by purpose", FILE_LINES)
                .isEmpty();
    }

    @Test
    void methodsAreShort() {
        assertThat(sources.longMethods(METHOD_LINES, longMethods()))
                .as(
                        "methods over %d lines: split them, or allow a flat hot loop or table with its reason",
                        METHOD_LINES)
                .isEmpty();
    }
}
