package org.jmiredo.server.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGHUP's inherited disposition read from the kernel's mask: put back when ignored (nohup), and when not, answered
 * without linking the C library's downcalls, which cost a daemon's main thread 119 to 148 ms at this point of its
 * start. The child JVMs start with nothing else on their class path's way: what they load is this call's doing.
 */
class SignalDispositionTest {
    @Test
    void theMaskListsSignalNAtBitNMinusOne() {
        assertThat(SignalDisposition.ignoredIn(0x1L, 1)).isTrue(); // SIGHUP
        assertThat(SignalDisposition.ignoredIn(0x1000L, 13)).isTrue(); // SIGPIPE
        assertThat(SignalDisposition.ignoredIn(0x1000L, 1)).isFalse();
        assertThat(SignalDisposition.ignoredIn(0x8000000000000000L, 64)).isTrue();
        assertThat(SignalDisposition.ignoredIn(-1L, 0)).isFalse();
        assertThat(SignalDisposition.ignoredIn(-1L, 65)).isFalse();
    }

    @Test
    void theMaskIsReadFromTheStatusText() {
        String status =
                "Name:\tjava\nSigBlk:\t0000000000000001\nSigIgn:\t0000000000001001\nSigCgt:\t2000000181005ccf\n";
        assertThat(SignalDisposition.ignoredMask(status)).isEqualTo(OptionalLong.of(0x1001L));
        assertThat(SignalDisposition.ignoredMask("SigIgn:\tffffffffffffffff\n")).isEqualTo(OptionalLong.of(-1L));
        assertThat(SignalDisposition.ignoredMask("Name:\tjava\n")).isEmpty();
        assertThat(SignalDisposition.ignoredMask("SigIgn:\tnot hex\n")).isEmpty();
    }

    @Test
    void aSignalThatIsNotIgnoredLinksNoDowncall() throws Exception {
        List<String> out = probe(false);
        assertThat(out).contains("unignore: false");
        assertThat(out).noneMatch(line -> line.contains("org.jmiredo.server.sys.Libc "));
    }

    @Test
    void anIgnoredSignalIsPutBackToItsDefault() throws Exception {
        List<String> out = probe(true);
        assertThat(out).contains("unignore: true", "ignored after: false");
        assertThat(out).anyMatch(line -> line.contains("org.jmiredo.server.sys.Libc ")); // sigaction() did it
    }

    /** {@link Probe} in a child JVM, SIGHUP ignored or not, with the classes it loads logged. */
    private static List<String> probe(boolean hupIgnored) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (hupIgnored) {
            command.addAll(List.of("env", "--ignore-signal=HUP"));
        }
        command.addAll(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xlog:class+load=info:stdout",
                "-cp",
                System.getProperty("java.class.path"),
                Probe.class.getName()));
        Path output = Files.createTempFile("jmiredo-signal-probe", ".txt");
        try {
            Process child = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            assertThat(child.waitFor(60, TimeUnit.SECONDS))
                    .as("the probe's JVM exited")
                    .isTrue();
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            assertThat(child.exitValue()).as(String.join("\n", lines)).isZero();
            return lines;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The child: SIGHUP's disposition put back if ignored, then whether the kernel still lists it as ignored. */
    static final class Probe {
        public static void main(String[] args) throws IOException {
            System.out.println("unignore: " + SignalDisposition.unignore(SignalDisposition.SIGHUP));
            OptionalLong mask = SignalDisposition.ignoredMask(Files.readString(Path.of("/proc/self/status")));
            System.out.println(
                    "ignored after: " + SignalDisposition.ignoredIn(mask.orElseThrow(), SignalDisposition.SIGHUP));
        }
    }
}
