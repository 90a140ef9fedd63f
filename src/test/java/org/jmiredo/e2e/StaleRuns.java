package org.jmiredo.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what an earlier run of this harness left behind when its JVM was killed before its
 * teardown (SIGKILL skips shutdown hooks). Only namespaces whose run directory under our own
 * {@code target/e2e} names an owner JVM that no longer exists are touched, so labs of live runs
 * (and anyone else's namespaces) are never disturbed.
 */
final class StaleRuns {

    static final String OWNER_FILE = "owner";
    private static final Pattern LAB_NAMESPACE = Pattern.compile("^(jm[0-9a-f]{6})-[a-z0-9]+$");

    private StaleRuns() {
    }

    /** Records this JVM as the owner of a run directory. */
    static void claim(Path runDir) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(runDir.resolve(OWNER_FILE),
                self.pid() + " " + self.info().startInstant().map(Instant::toString).orElse("?") + "\n");
    }

    static void reap(Path runsRoot, Shell shell) {
        for (String line : shell.run("ip", "netns", "list").output().lines().toList()) {
            String name = line.split(" ", 2)[0];
            Matcher m = LAB_NAMESPACE.matcher(name);
            if (m.matches() && ownerGone(runsRoot.resolve(m.group(1)))) {
                shell.note("reaping " + name + ", left by a run whose JVM is gone");
                Netns stale = new Netns(name, shell);
                Pids.killAndWait(stale.pids(), shell);
                shell.run("ip", "netns", "del", name);
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
            String started = process.flatMap(p -> p.info().startInstant()).map(Instant::toString).orElse(null);
            return process.isEmpty() || !fields[1].equals(started);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static List<String> labNamespaces(Shell shell, String prefix) {
        return shell.run("ip", "netns", "list").output().lines()
                .map(line -> line.split(" ", 2)[0])
                .filter(name -> name.startsWith(prefix + "-"))
                .toList();
    }
}
