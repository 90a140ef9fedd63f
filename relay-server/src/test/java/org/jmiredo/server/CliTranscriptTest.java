package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every command line an operator or a script may meet that ends before a daemon starts (help, versions, usage
 * errors), with its exit status and what it printed, compared with {@code cli-transcripts.txt}. That file was
 * recorded from the annotated picocli model this project had before the daemon commands' model was built by
 * hand (main f68efb9): the hand-built model must print the same bytes. To record it again (after a deliberate
 * change of the command line), run this class with {@code -Djmiredo.cli.record=PATH} and review the diff.
 */
class CliTranscriptTest {
    private static final String RESOURCE = "cli-transcripts.txt";

    /** The command lines, each ending before a daemon starts: nothing here needs root, a tunnel or a socket. */
    static final List<List<String>> LINES = List.of(
            List.of(),
            List.of("--help"),
            List.of("-h"),
            List.of("--version"),
            List.of("-V"),
            List.of("-hV"),
            List.of("--debug"),
            List.of("--debug", "--help"),
            List.of("help"),
            List.of("help", "relay"),
            List.of("help", "server"),
            List.of("help", "mire"),
            List.of("help", "client"),
            List.of("help", "checkconf"),
            List.of("help", "help"),
            List.of("help", "frobnicate"),
            List.of("relay", "--help"),
            List.of("relay", "-h"),
            List.of("server", "--help"),
            List.of("mire", "--help"),
            List.of("client", "--help"),
            List.of("checkconf", "--help"),
            List.of("relay", "--version"),
            List.of("server", "-V"),
            List.of("mire", "-hV"),
            List.of("client", "--version"),
            List.of("checkconf", "-V"),
            List.of("--debug", "relay", "--help"),
            List.of("relay", "--debug", "--help"),
            List.of("-h", "relay"),
            List.of("--version", "server"),
            List.of("frobnicate"),
            List.of("Relay"),
            List.of("--frobnicate"),
            List.of("--debug", "frobnicate"),
            List.of("relay", "--frobnicate"),
            List.of("relay", "-x"),
            List.of("relay", "--confg", "x.conf"),
            List.of("relay", "extra"),
            List.of("relay", "help"),
            List.of("relay", "--config"),
            List.of("relay", "--config", "a.conf", "--config", "b.conf"),
            List.of("relay", "--miredo-conf"),
            List.of("relay", "--metrics-listen"),
            List.of("relay", "--log-format"),
            List.of("relay", "--qualify-only"),
            List.of("relay", "--bind", "0.0.0.0"),
            List.of("--debug", "relay", "--frobnicate"),
            List.of("server", "--frobnicate"),
            List.of("server", "--config"),
            List.of("server", "--server-address", "198.51.100.1"),
            List.of("server", "extra"),
            List.of("mire", "--frobnicate"),
            List.of("mire", "--bind"),
            List.of("mire", "--bind", "10.0.0.1"),
            List.of("mire", "--bind=not-an-address"),
            List.of("mire", "--miredo-conf", "x.conf"),
            List.of("mire", "extra"),
            List.of("client", "--frobnicate"),
            List.of("client", "--server-address"),
            List.of("client", "--qualify-only=yes"),
            List.of("client", "--qualify-only", "--qualify-only"),
            List.of("client", "extra"),
            List.of("client", "--metrics-listen", "127.0.0.1:0"),
            List.of("checkconf"),
            List.of("checkconf", "--frobnicate", "x.conf"),
            List.of("checkconf", "a.conf", "b.conf"),
            List.of("relay", "server"),
            List.of("checkconf", "relay"));

    @Test
    void everyCommandLinePrintsWhatTheAnnotatedModelPrinted() throws IOException {
        String actual = transcripts();
        String record = System.getProperty("jmiredo.cli.record");
        if (record != null) {
            Files.writeString(Path.of(record), actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(expected());
    }

    static String transcripts() {
        StringBuilder all = new StringBuilder();
        for (List<String> line : LINES) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code =
                    Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), line.toArray(String[]::new));
            all.append("$ jmiredo ")
                    .append(String.join(" ", line))
                    .append('\n')
                    .append("exit ")
                    .append(code)
                    .append('\n')
                    .append("--- out\n")
                    .append(normalise(out.toString()))
                    .append("--- err\n")
                    .append(normalise(err.toString()));
        }
        return all.toString();
    }

    /** The version lines name this build and this JVM: placeholders, so that the file holds on any machine. */
    private static String normalise(String printed) {
        return printed.replace(System.lineSeparator(), "\n")
                .replace("jmiredo " + Version.current(), "jmiredo VERSION")
                .replace("Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")", "Java JVM");
    }

    private static String expected() throws IOException {
        try (InputStream in = CliTranscriptTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
