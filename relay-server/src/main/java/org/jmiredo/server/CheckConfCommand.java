package org.jmiredo.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.server.config.ConfigFormat;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.InvalidConfigException;
import org.jmiredo.server.config.RoleDirective;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jmiredo checkconf [--miredo|--hocon] FILE}, like miredo-checkconf(8): prints "FILE: OK" and exits
 * 0, or prints each problem as FILE:LINE and exits 1. The environment and the command line are not
 * consulted: the file alone is checked, over the built-in defaults.
 */
@Command(
        name = "checkconf",
        mixinStandardHelpOptions = true,
        description = "Check a configuration file (HOCON or miredo.conf syntax, detected unless told), "
                + "without starting anything.")
final class CheckConfCommand implements Callable<Integer> {
    static final int EXIT_INVALID = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--miredo", description = "The file is in Miredo's miredo.conf / miredo-server.conf syntax.")
    boolean miredo;

    @Option(names = "--hocon", description = "The file is in jmiredo's HOCON syntax.")
    boolean hocon;

    @Parameters(paramLabel = "FILE", description = "The file to check.")
    Path file;

    @Override
    public Integer call() {
        try {
            ConfigLoader.Sources sources = format() == ConfigFormat.MIREDO
                    ? ConfigLoader.Sources.none().withMiredo(file)
                    : ConfigLoader.Sources.none().withHocon(file);
            requireServer(ConfigLoader.load(sources));
        } catch (InvalidConfigException e) {
            e.problems().forEach(spec.commandLine().getErr()::println);
            return EXIT_INVALID;
        }
        spec.commandLine().getOut().println(file + ": OK");
        return 0;
    }

    /**
     * A client's file must name its server, as miredo-checkconf and miredo require ("Server address not
     * specified"); the daemon takes {@code --server-address} as well, but this checks the file alone.
     */
    private static void requireServer(DaemonConfig config) throws InvalidConfigException {
        for (RoleDirective directive : config.roleDirectives()) {
            if (directive.choosesRole()
                    && directive.role() == DataPathRole.CLIENT
                    && !config.client().configured()) {
                throw new InvalidConfigException(directive.origin() + ": directive \"" + directive.directive()
                        + "\": a client's file without ServerAddress: Miredo stops (\"Server address not specified\")");
            }
        }
    }

    private ConfigFormat format() throws InvalidConfigException {
        if (miredo || hocon) {
            return miredo ? ConfigFormat.MIREDO : ConfigFormat.HOCON;
        }
        try {
            return ConfigFormat.detect(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .lines()
                    .toList());
        } catch (IOException e) {
            // The loader reports a missing or unreadable file in its own words.
            return ConfigFormat.HOCON;
        }
    }
}
