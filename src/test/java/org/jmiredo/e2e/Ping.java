package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.Shell;

/** iputils ping from inside a namespace, with the summary parsed. */
final class Ping {

    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    /** Transmitted and answered echo requests of one ping run. */
    record Result(int transmitted, int received, String output) {
        @Override
        public String toString() {
            return received + "/" + transmitted + " answered";
        }
    }

    private Ping() {}

    /** {@code count} echo requests 200 ms apart, each answered within 1 s or counted lost. */
    static Result run(Netns from, String to, int count) {
        Shell.Result r = from.exec(Duration.ofSeconds(count + 10L), command(to, count));
        return parse(r.output(), from.name() + " to " + to);
    }

    /** After a first reply within {@code warmUp}, at least 4 of 5 echo requests are answered. */
    static void assertAnswered(Netns from, String to, Duration warmUp) {
        awaitReply(from, to, warmUp);
        Result r = run(from, to, 5);
        assertThat(r.received())
                .as("echo replies %s to %s:\n%s", from.name(), to, r.output())
                .isGreaterThanOrEqualTo(4);
    }

    /** As {@link #run}, in the background while something else goes on; {@link #result} waits for it. */
    static LabProcess start(Lab lab, Host from, String to, int count) {
        return lab.start(from, "ping-" + from.id(), command(to, count));
    }

    /** As {@link #start(Lab, Host, String, int)}, from a host a test added. */
    static LabProcess start(Lab lab, Netns from, String to, int count) {
        return lab.start(from, "ping-" + from.id(), command(to, count));
    }

    /** The summary of a ping started with {@link #start}, once it has ended. */
    static Result result(LabProcess ping, Duration timeout) {
        Poll.until(ping.name() + " to end", timeout, () -> !ping.isAlive());
        return parse(ping.output(), ping.name());
    }

    /** As {@link #run}, with the echo requests' hop limit set to {@code hopLimit}. */
    static Result run(Netns from, String to, int count, int hopLimit) {
        List<String> command = new ArrayList<>(command(to, count));
        command.addAll(1, List.of("-t", Integer.toString(hopLimit)));
        Shell.Result r = from.exec(Duration.ofSeconds(count + 10L), command);
        return parse(r.output(), from.name() + " to " + to + " with hop limit " + hopLimit);
    }

    /** As {@link #run}, with {@code size} bytes of echo data (a packet of {@code size} + 48 bytes). */
    static Result sized(Netns from, String to, int count, int size) {
        List<String> command = new ArrayList<>(command(to, count));
        command.addAll(1, List.of("-s", Integer.toString(size)));
        Shell.Result r = from.exec(Duration.ofSeconds(count + 10L), command);
        return parse(r.output(), from.name() + " to " + to + " with " + size + " bytes of data");
    }

    /**
     * As {@link #sized}, with fragmentation forbidden ({@code -M do}): each request leaves whole or not at all (a
     * route whose MTU is smaller makes ping fail at once rather than fragment).
     */
    static Result sizedWhole(Netns from, String to, int count, int size) {
        List<String> command = new ArrayList<>(command(to, count));
        command.addAll(1, List.of("-s", Integer.toString(size), "-M", "do"));
        Shell.Result r = from.exec(Duration.ofSeconds(count + 10L), command);
        return parse(r.output(), from.name() + " to " + to + " with " + size + " bytes of data, unfragmented");
    }

    /**
     * One echo request from {@code source}, answered within {@code wait} or lost: no second request, so a
     * reply shows that the first packet got through.
     */
    static Result once(Netns from, String source, String to, Duration wait) {
        Shell.Result r = from.exec(
                wait.plusSeconds(10),
                List.of("ping", "-n", "-q", "-c", "1", "-W", Long.toString(wait.toSeconds()), "-I", source, to));
        return parse(r.output(), from.name() + " from " + source + " to " + to);
    }

    private static List<String> command(String to, int count) {
        return List.of("ping", "-n", "-q", "-c", Integer.toString(count), "-i", "0.2", "-W", "1", to);
    }

    private static Result parse(String output, String what) {
        Matcher m = SUMMARY.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("ping " + what + " gave no summary:\n" + output);
        }
        return new Result(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), output);
    }

    /**
     * Single pings until one is answered; returns how long that took. The first packets towards a
     * new peer start Teredo's relay discovery and bubbles (R-5.2.4, R-5.4.1-c3) and may be lost.
     */
    static Duration awaitReply(Netns from, String to, Duration timeout) {
        return Poll.until(
                "an echo reply from " + to + " in " + from.name(),
                timeout,
                () -> run(from, to, 1).received() == 1);
    }
}
