package org.jmiredo.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jmiredo.server.sys.SignalDisposition;
import org.slf4j.Logger;

/**
 * How every daemon command runs, from its start to its exit status. The signal handlers go in before the
 * start: a SIGTERM or SIGINT during start-up stops the daemon as soon as it is up, and a SIGHUP (whose JVM
 * default is to exit: an init system's "reload" must not stop the service) is the daemon's to interpret.
 * Handling TERM and INT replaces the JVM's exit with 128 + signal: the daemon stops in reverse start order,
 * says "stopping" and "stopped", and the command exits 0.
 */
final class DaemonRun {
    /**
     * The exit status of a daemon whose tunnel was deleted under it ({@link #untilTunnelGone}); systemd's
     * Restart=on-failure restarts it.
     */
    static final int TUNNEL_GONE = 1;

    private static final long WATCH_MILLIS = 1000;

    /** Starts a daemon that runs until closed: everything, or nothing (then one line for the operator). */
    @FunctionalInterface
    interface Starter<D extends AutoCloseable> {
        D start() throws StartupException;
    }

    /** What SIGHUP does, on the JVM's signal thread, from the start on; told of the daemon once it is up. */
    @FunctionalInterface
    interface Hangup<D> {
        void signalled();

        default void started(D daemon) {}
    }

    /** Looked at once a second while the daemon runs: 0 to go on, else the status to stop and exit with. */
    @FunctionalInterface
    interface Watch<D> {
        int exitStatus(D daemon);
    }

    private DaemonRun() {}

    /**
     * For a role that reads its configuration at start only: SIGHUP is logged and changes nothing; the
     * daemon runs until SIGTERM or SIGINT.
     */
    static <D extends AutoCloseable> int untilStopped(Starter<D> starter, Logger log) throws Exception {
        return untilStopped(starter, (Watch<D>) null, log);
    }

    /** As {@link #untilStopped(Starter, Logger)}, and until {@code watch}, if not null, gives a status. */
    static <D extends AutoCloseable> int untilStopped(Starter<D> starter, Watch<D> watch, Logger log) throws Exception {
        return untilStopped(
                starter,
                () -> log.warn(
                        "SIGHUP: this role reads its configuration at start only; " + "restart it to apply changes"),
                watch,
                log);
    }

    /**
     * The watch of a daemon with a tunnel of its own: deleted under it ("ip link del", a host script), the
     * tunnel carries nothing any more while the daemon would look alive, so it ends with {@link #TUNNEL_GONE}
     * and says why, for a supervisor to start it again (which creates the device anew).
     *
     * @param goneTunnel the name of the daemon's tunnel once it was deleted, else null
     * @param role what the log line calls the daemon: "relay", "client"
     */
    static <D> Watch<D> untilTunnelGone(Function<D, String> goneTunnel, String role, Logger log) {
        return daemon -> {
            String tun = goneTunnel.apply(daemon);
            if (tun == null) {
                return 0;
            }
            log.error(
                    "the tunnel {} was deleted under the {}: stopping with status {} so that a supervisor "
                            + "starts it again (which creates the device anew)",
                    tun,
                    role,
                    TUNNEL_GONE);
            return TUNNEL_GONE;
        };
    }

    /**
     * Runs until SIGTERM or SIGINT (status 0), or until {@code watch}, if not null, gives a status.
     *
     * @return the command's exit status
     */
    static <D extends AutoCloseable> int untilStopped(Starter<D> starter, Hangup<D> hangup, Watch<D> watch, Logger log)
            throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        Signals.handle("TERM", stop::countDown);
        Signals.handle("INT", stop::countDown);
        Signals.handleEvenIfIgnored("HUP", SignalDisposition.SIGHUP, hangup::signalled);
        // miredo(8): SIGUSR1 and SIGUSR2 do nothing. The JVM's default for SIGUSR1 ends the process (HotSpot
        // keeps SIGUSR2 for itself and survives it), so a habit that was harmless with Miredo would stop us.
        Signals.handle("USR1", () -> log.info("SIGUSR1: nothing to do (as Miredo)"));
        return run(stop, starter, hangup, watch, log);
    }

    /** Starts, then waits for {@code stop} (or the watch's status), then closes; without the signals, for tests. */
    static <D extends AutoCloseable> int run(
            CountDownLatch stop, Starter<D> starter, Hangup<D> hangup, Watch<D> watch, Logger log) throws Exception {
        try (D daemon = starter.start()) {
            // A safety net for exits that bypass the handlers (System.exit elsewhere, a JVM run with -Xrs).
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(daemon), "jmiredo-shutdown"));
            hangup.started(daemon);
            int status = awaitStop(stop, daemon, watch);
            if (status != 0) {
                return status; // the watch said why
            }
            log.info("stopping");
        }
        log.info("stopped");
        return 0;
    }

    private static <D extends AutoCloseable> int awaitStop(CountDownLatch stop, D daemon, Watch<D> watch)
            throws InterruptedException {
        if (watch == null) {
            stop.await();
            return 0;
        }
        while (!stop.await(WATCH_MILLIS, TimeUnit.MILLISECONDS)) {
            int status = watch.exitStatus(daemon);
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }

    private static void closeQuietly(AutoCloseable daemon) {
        try {
            daemon.close();
        } catch (Exception e) {
            // the JVM is exiting; the daemon logged what failed
        }
    }
}
