package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away named network namespace for a test ({@code ip netns add jmt…}), deleted by {@link #close}
 * (with every interface in it). Names carry a random part, so concurrent runs never collide.
 */
public final class TestNetns implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a command printed (stdout and stderr together) and returned. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final String name;

    private TestNetns(String name) {
        this.name = name;
    }

    /** Creates a namespace with its loopback up. */
    public static TestNetns create() {
        TestNetns ns = new TestNetns(uniqueName("jmtns"));
        checked(List.of("ip", "netns", "add", ns.name));
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    /** {@code prefix} + 8 random hex digits, a valid interface or namespace name for prefixes up to 7 chars. */
    public static String uniqueName(String prefix) {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    public String name() {
        return name;
    }

    /**
     * A configurator for a transport that creates its device: it moves the device into this namespace before
     * rtnetlink sets it up there, so its route never reaches the host's routing table.
     */
    public InterfaceConfigurator adoptingConfigurator() {
        return new InterfaceConfigurator() {
            @Override
            public ConfiguredInterface configure(TunnelInterfaceSpec spec) throws InterfaceConfigException {
                adopt(spec.name());
                return RtnetlinkConfigurator.inNamespace(name).configure(spec);
            }

            @Override
            public List<String> checkHostSetup(TunnelInterfaceSpec spec, int attachedQueues) {
                throw new AssertionError("a transport that creates its device configures it, it does not check it");
            }

            @Override
            public Restoration restore(TunnelInterfaceSpec spec) throws InterfaceConfigException {
                return RtnetlinkConfigurator.inNamespace(name).restore(spec);
            }

            @Override
            public boolean serving(TunnelInterfaceSpec spec) {
                throw new AssertionError("the transport repairs the device it created, it does not only observe it");
            }
        };
    }

    /** {@code ip -n NS args…}; fails the test if it fails; returns its output. */
    public String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return checked(command);
    }

    /** {@code ip -n NS args…}, whatever it returns. */
    public Result tryIp(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs {@code command} inside the namespace ({@code ip netns exec}). */
    public Result exec(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return run(full);
    }

    /** Moves {@code link} from this process's namespace into this one; a TUN keeps working across the move. */
    public void adopt(String link) {
        checked(List.of("ip", "link", "set", "dev", link, "netns", name));
    }

    @Override
    public void close() {
        run(List.of("ip", "netns", "del", name));
    }

    private static String checked(List<String> command) {
        Result result = run(command);
        assertThat(result.exitCode())
                .as("%s: %s", String.join(" ", command), result.output())
                .isZero();
        return result.output();
    }

    public static Result run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
