package org.jmiredo.e2e.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what an earlier run of the same suite left behind when its JVM was killed before its
 * teardown (SIGKILL skips shutdown hooks). Only namespaces of the suite's own family
 * ({@code <family><6 hex>-<id>}) whose run directory names an owner JVM that no longer exists are
 * touched, so labs of live runs, other suites and anyone else's namespaces are never disturbed.
 */
final class StaleRuns {

    static final String OWNER_FILE = "owner";

    private StaleRuns() {}

    /** Records this JVM as the owner of a run directory. */
    static void claim(Path runDir) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(
                runDir.resolve(OWNER_FILE),
                self.pid() + " "
                        + self.info().startInstant().map(Instant::toString).orElse("?") + "\n");
    }

    /**
     * Deletes stale namespaces of {@code family}, whose run directories are
     * {@code runsRoot/<dirPrefix><run prefix>}.
     */
    static void reap(String family, Path runsRoot, String dirPrefix, Shell shell) {
        Pattern ours = Pattern.compile("^(" + Pattern.quote(family) + "[0-9a-f]{6})-[a-z0-9]+$");
        for (String name : namespaces(shell, "")) {
            Matcher m = ours.matcher(name);
            if (m.matches() && ownerGone(runsRoot.resolve(dirPrefix + m.group(1)))) {
                shell.note("reaping " + name + ", left by a run whose JVM is gone");
                Pids.killAndWait(Netns.pids(shell, name), shell);
                shell.run("ip", "netns", "del", name);
                shell.run("rm", "-rf", "--", "/etc/netns/" + name);
            }
        }
    }

    private static boolean ownerGone(Path runDir) {
        Path owner = runDir.resolve(OWNER_FILE);
        if (!Files.isRegularFile(owner)) {
            return false; // not a run of this checkout: not ours to judge
        }
        try {
            String[] fields = Files.readString(owner).strip().split(" ");
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(fields[0]));
            String started = process.flatMap(p -> p.info().startInstant())
                    .map(Instant::toString)
                    .orElse(null);
            return process.isEmpty() || !fields[1].equals(started);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Namespaces named {@code <prefix>-...} (all of them for an empty prefix). */
    static List<String> namespaces(Shell shell, String prefix) {
        return shell.run("ip", "netns", "list")
                .check()
                .output()
                .lines()
                .map(line -> line.split(" ", 2)[0])
                .filter(name -> prefix.isEmpty() || name.startsWith(prefix + "-"))
                .toList();
    }
}
