package org.jmiredo.server.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigOriginFactory;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes every {@code include} of the operator's HOCON file required. HOCON skips a missing include without
 * a word (only {@code include required(...)} fails), so a typo in an include path would run the relay on
 * the defaults. The includer API does not say which line included what, so the failure is reported at the
 * first line of the top-level file that includes that name (or at the file alone), and an include missing
 * from an included file at the top-level include that led to it, naming both.
 */
final class RequiredIncludes implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
    private final Path top;
    private final ConfigIncluder fallback;

    /** @param top the file given to {@code --config}, where failed includes are looked for */
    RequiredIncludes(Path top) {
        this(top, null);
    }

    private RequiredIncludes(Path top, ConfigIncluder fallback) {
        this.top = top;
        this.fallback = fallback;
    }

    /** Typesafe Config passes its default includer here: ours does the work through it. */
    @Override
    public ConfigIncluder withFallback(ConfigIncluder defaultIncluder) {
        return fallback == null ? new RequiredIncludes(top, defaultIncluder) : this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
        return required(what, quoted(what), () -> fallback.include(strict(context), what));
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File what) {
        return required(what.getPath(), quoted(what.getPath()), () -> ((ConfigIncluderFile) fallback)
                .includeFile(strict(context), what));
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
        // Typesafe Config gives file:/x for the file:///x written: the line is found by the URL's path.
        String path = what.getPath();
        return required(what.toString(), path.isEmpty() ? what.toString() : path, () -> ((ConfigIncluderURL) fallback)
                .includeURL(strict(context), what));
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
        return required(
                what, quoted(what), () -> ((ConfigIncluderClasspath) fallback).includeResources(strict(context), what));
    }

    private static ConfigIncludeContext strict(ConfigIncludeContext context) {
        return context.setParseOptions(context.parseOptions().setAllowMissing(false));
    }

    private static String quoted(String what) {
        return "\"" + what + "\"";
    }

    /** {@code written}: what the include's line holds, to find it by. */
    private ConfigObject required(String what, String written, Supplier<ConfigObject> include) {
        try {
            return include.get();
        } catch (MissingInclude e) {
            // The file was read; an include inside it failed: name the include here that led to it.
            throw new MissingInclude(includedAt(written), "include \"" + what + "\": " + e.reason, e);
        } catch (ConfigException.IO e) {
            throw new MissingInclude(
                    includedAt(written),
                    "include \"" + what + "\": not found or unreadable (" + plainer(e.getMessage())
                            + "); every include is required here",
                    e);
        }
    }

    /**
     * {@code include "x"} looks for a file beside the including one, then for a class-path resource, and reports only
     * the last miss ("resource not found on classpath"), which sent an operator looking for a class path: the file is
     * what is missing (an unreadable one is reported as such before the class path is tried).
     */
    private static String plainer(String includerMessage) {
        return includerMessage.contains("resource not found on classpath")
                ? "no such file beside the file that includes it"
                : includerMessage;
    }

    /** A failed include, told apart from the includer's own errors so that an enclosing include adds its name. */
    private static final class MissingInclude extends ConfigException.IO {
        private static final long serialVersionUID = 1L;
        /** The message without its origin. */
        private final String reason;

        MissingInclude(ConfigOrigin origin, String reason, Throwable cause) {
            super(origin, reason, cause);
            this.reason = reason;
        }
    }

    /** The first line of the top-level file with an include that holds {@code written}, else the file alone. */
    private ConfigOrigin includedAt(String written) {
        ConfigOrigin file = ConfigOriginFactory.newFile(top.toString());
        try {
            List<String> lines = Files.readAllLines(top, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("include") && lines.get(i).contains(written)) {
                    return file.withLineNumber(i + 1);
                }
            }
        } catch (IOException e) {
            // read a moment ago by the parser: report the file without a line
        }
        return file;
    }
}
