package org.jmiredo.server.sys;

import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need the real kernel: a TUN device, CAP_NET_ADMIN, iproute2, Netty's epoll. Outside CI
 * a missing piece skips the test with the reason; with CI=true it fails, so CI never passes by skipping.
 */
public final class Privileges {
    private Privileges() {}

    private static final int CAP_NET_ADMIN = 12;

    public static void assumeNetAdmin() {
        String missing = missing();
        if (missing == null) {
            return;
        }
        skipOrFail(missing + " (run as root on Linux with /dev/net/tun and iproute2)");
    }

    /** For tests that need only Netty's epoll transport (loopback UDP), not root. */
    public static void assumeEpoll() {
        if (!Epoll.isAvailable()) {
            skipOrFail("Netty epoll unavailable: " + Epoll.unavailabilityCause());
        }
    }

    /** Skips the calling test with the reason, or fails it under CI=true, where everything must run. */
    public static void skipOrFail(String missing) {
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail("CI=true but this test cannot run: " + missing);
        }
        Assumptions.abort("skipped: " + missing);
    }

    private static String missing() {
        if (!Files.exists(Path.of(TunSyscalls.CONTROL_DEVICE))) {
            return "no " + TunSyscalls.CONTROL_DEVICE;
        }
        if (!hasCapability(CAP_NET_ADMIN)) {
            return "no CAP_NET_ADMIN";
        }
        if (!Epoll.isAvailable()) {
            return "Netty epoll unavailable: " + Epoll.unavailabilityCause();
        }
        if (!runs(List.of("ip", "-V"))) {
            return "no iproute2 'ip' command";
        }
        return null;
    }

    private static boolean hasCapability(int capability) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring(7).strip(), 16).testBit(capability);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    private static boolean runs(List<String> command) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
