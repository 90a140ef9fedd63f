package org.jmiredo.e2e;

import static org.jmiredo.e2e.lab.LabNet.IPERF_PORT;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.Shell;

/** iperf3 TCP transfers between lab hosts, bounded in time (LAB.md: load stops by itself). */
final class Iperf {

    /** The receiver's total in iperf3's JSON ("end" → "sum_received"); that object has no nesting. */
    private static final Pattern RECEIVED_BPS =
            Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+-]+)");

    /** One transfer's receiver-side rate. */
    record Throughput(String label, double bitsPerSecond) {
        double mbitPerSecond() {
            return bitsPerSecond / 1e6;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %.1f Mbit/s", label, mbitPerSecond());
        }
    }

    private Iperf() {}

    /** A persistent iperf3 server; returns once it listens. */
    static LabProcess startServer(Lab lab, Host host) {
        LabProcess server = lab.start(
                host,
                "iperf3-server-" + host.id(),
                List.of("iperf3", "-s", "-p", Integer.toString(IPERF_PORT), "--forceflush"));
        Poll.until("iperf3 server in " + host.id() + " to listen", Duration.ofSeconds(10), () -> {
            server.assertAlive();
            return lab.ns(host).tcpListening(IPERF_PORT);
        });
        return server;
    }

    /**
     * A TCP transfer started by {@code client} towards {@code server}; {@code reverse} makes the
     * server send (iperf3 -R), so both directions run over a connection the client opened.
     */
    static Throughput run(Lab lab, Host client, String server, boolean reverse, Duration length) {
        return run(lab, lab.ns(client), client.id(), server, reverse, length);
    }

    /** As {@link #run(Lab, Host, String, boolean, Duration)} from a namespace a test added ({@code id} names it). */
    static Throughput run(Lab lab, Netns client, String id, String server, boolean reverse, Duration length) {
        List<String> command = new ArrayList<>(List.of(
                "iperf3",
                "-6",
                "-c",
                server,
                "-p",
                Integer.toString(IPERF_PORT),
                "-t",
                Long.toString(length.toSeconds()),
                "-J",
                "--connect-timeout",
                "5000"));
        if (reverse) {
            command.add("-R");
        }
        String label = id + (reverse ? " <- " : " -> ") + server;
        Shell.Result r = client.exec(length.plusSeconds(20), command);
        String name = lab.writeNumberedFile("iperf3-" + id + (reverse ? "-reverse" : "-forward"), ".json", r.output())
                .getFileName()
                .toString();
        Matcher m = RECEIVED_BPS.matcher(r.output());
        if (!r.ok() || !m.find()) {
            throw new AssertionError("iperf3 " + label + " failed (exit " + r.exit() + ", see " + name + "):\n"
                    + r.output().lines().limit(40).reduce("", (a, b) -> a + b + "\n"));
        }
        Throughput throughput = new Throughput(label, Double.parseDouble(m.group(1)));
        lab.shell().note("iperf3 " + throughput);
        return throughput;
    }
}
