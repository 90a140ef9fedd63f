package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.jmiredo.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The hand-built models ({@link CliModel}) hand every option's value to the command: what {@code CliTranscriptTest}
 * cannot show, since its command lines end before a daemon starts.
 */
class CliModelTest {
    /** The model of the daemon command {@code args} names, parsed as {@link Main#execute} parses it. */
    private static CommandSpec parsed(String... args) {
        CommandLine.ParseResult result = new CommandLine(Main.model(args)).parseArgs(args);
        assertThat(result.hasSubcommand()).isTrue();
        return result.subcommand().commandSpec();
    }

    @Test
    void eachDaemonCommandHandsItsSharedOptionsToTheConfiguration() {
        for (String daemon : EarlyStart.DAEMONS) {
            CommandSpec spec = parsed(
                    "--debug",
                    daemon,
                    "--config",
                    "/etc/jmiredo/a.conf",
                    "--metrics-listen",
                    "127.0.0.1:9999",
                    "--log-format=json");

            ConfigLoader.Sources sources = RoleOptions.of(spec).sources(Path.of("miredo.conf"));

            assertThat(sources.hocon()).as(daemon).contains(Path.of("/etc/jmiredo/a.conf"));
            assertThat(sources.miredo()).as(daemon).contains(Path.of("miredo.conf"));
            assertThat(sources.commandLine().getString("jmiredo.metrics.listen"))
                    .as(daemon)
                    .isEqualTo("127.0.0.1:9999");
            assertThat(sources.commandLine().getString("jmiredo.logging.format"))
                    .as(daemon)
                    .isEqualTo("json");
        }
    }

    @Test
    void withoutOptionsTheConfigurationHasOnlyItsDefaultLayers() {
        ConfigLoader.Sources sources = RoleOptions.of(parsed("relay")).sources(null);

        assertThat(sources.hocon()).isEqualTo(Optional.empty());
        assertThat(sources.miredo()).isEqualTo(Optional.empty());
        assertThat(sources.commandLine().isEmpty()).isTrue();
    }

    @Test
    void eachDaemonCommandReadsItsOwnOptions() {
        assertThat(CliModel.<Path>value(parsed("relay", "--miredo-conf", "r.conf"), "--miredo-conf"))
                .isEqualTo(Path.of("r.conf"));
        assertThat(CliModel.<Path>value(parsed("server", "--miredo-conf", "s.conf"), "--miredo-conf"))
                .isEqualTo(Path.of("s.conf"));
        assertThat(CliModel.<String>value(parsed("mire"), "--bind")).isEqualTo("0.0.0.0");
        assertThat(CliModel.<String>value(parsed("mire", "--bind", "198.51.100.3"), "--bind"))
                .isEqualTo("198.51.100.3");
        CommandSpec client =
                parsed("client", "--qualify-only", "--server-address", "198.51.100.1", "--miredo-conf", "c.conf");
        assertThat(CliModel.<Boolean>value(client, "--qualify-only")).isTrue();
        assertThat(CliModel.<String>value(client, "--server-address")).isEqualTo("198.51.100.1");
        assertThat(CliModel.<Path>value(client, "--miredo-conf")).isEqualTo(Path.of("c.conf"));
        assertThat(CliModel.<Boolean>value(parsed("client"), "--qualify-only")).isNotEqualTo(Boolean.TRUE);
    }

    /** A daemon's start builds its own command alone; anything else gets every command, as the help lists them. */
    @Test
    void aDaemonsCommandLineBuildsThatCommandAlone() {
        assertThat(Main.model("relay", "--config", "x").subcommands()).containsOnlyKeys("relay");
        assertThat(Main.model("--debug", "client").subcommands()).containsOnlyKeys("client");
        for (String[] other :
                new String[][] {{}, {"--help"}, {"-h", "relay"}, {"help", "relay"}, {"checkconf", "x"}, {"frobnicate"}
                }) {
            assertThat(Main.model(other).subcommands().keySet())
                    .as(String.join(" ", other))
                    .containsExactly("relay", "server", "mire", "client", "checkconf", "help");
        }
    }

    /** A second model is a new one: nothing parsed before leaks into the next command line (tests run many). */
    @Test
    void everyModelStartsEmpty() {
        parsed("relay", "--config", "first.conf");

        assertThat(RoleOptions.of(parsed("relay")).sources(null).hocon()).isEmpty();
    }
}
