package org.jmiredo.e2e.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * Miredo writes {@code /var/run/miredo*.pid} and refuses to start when another instance holds it, so
 * each instance runs in a private mount namespace with its own tmpfs there (LAB.md). {@code unshare -m}
 * makes the new mounts private; {@code exec} keeps the daemon's pid the started process's own.
 */
public final class PrivateRun {

    private static final String SCRIPT =
            "mount -t tmpfs none /var/run && mkdir -p /var/run/miredo /var/run/miredo-server && exec \"$@\"";

    private PrivateRun() {}

    /** {@code command}, to be run with a private, empty {@code /var/run}. */
    public static List<String> of(String... command) {
        List<String> full = new ArrayList<>(List.of("unshare", "-m", "sh", "-c", SCRIPT, "sh"));
        full.addAll(List.of(command));
        return full;
    }
}
