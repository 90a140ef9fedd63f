package org.jmiredo.server;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jmiredo.server.config.InvalidConfigException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

/**
 * {@code jmiredo relay|server|mire|client|checkconf ...}. Errors are one line on standard error, without a stack trace
 * unless {@code --debug}. Exit codes: 0 success, 1 failure (checkconf: invalid file; relay: could not
 * start; server and mire likewise), 2 usage error, 78 invalid configuration (EX_CONFIG of sysexits.h, so that an init system can
 * tell a broken file from a transient failure and not restart in a loop).
 */
public final class Main implements Runnable {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_CONFIG = 78;
    private static final String LEAK_DETECTION_LEVEL = "io.netty.leakDetection.level";
    static final String NETTY_JFR = "io.netty.jfr.enabled";
    private static final String DEBUG = "--debug";

    private final CommandSpec spec = CliModel.command(
                    this,
                    "jmiredo",
                    "Teredo relay, server and client (RFC 4380, 5991, 6081); reads its own HOCON configuration or "
                            + "Miredo's.")
            .versionProvider(new Version())
            .addOption(OptionSpec.builder(DEBUG)
                    .type(boolean.class)
                    .scopeType(ScopeType.INHERIT)
                    .description("Print stack traces with errors.")
                    .build());

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "missing command: relay or checkconf (or server, mire, client)");
    }

    public static void main(String[] args) {
        quietLeakDetection(); // before any Netty class, the early start's included
        quietNettyJfr();
        // Logging first, on this thread, then the start-up work that can run beside the parsing.
        LoggerFactory.getILoggerFactory();
        EarlyStart.begin(args);
        int code = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        System.exit(code);
    }

    /**
     * Netty's default leak detection tracks one buffer in 128 with a stack trace at allocation and a record
     * at each touch and release: 1 to 2 % of the event loop at 100,000 pkt/s (perf, BENCHMARKS "Netty's
     * write path"). The tests run with it at paranoid; a daemon turns it off unless the operator asks
     * for a level ({@code -Dio.netty.leakDetection.level=simple}). Before any Netty class reads it.
     */
    static void quietLeakDetection() {
        if (System.getProperty(LEAK_DETECTION_LEVEL) == null) {
            System.setProperty(LEAK_DETECTION_LEVEL, "disabled");
        }
    }

    /**
     * Netty's buffer allocator reports its chunks and buffers as JFR events when JFR is available, whether or not
     * a recording runs: the first check registers its event classes with JFR, which loads about 110 of JFR's
     * classes and reads their annotations through proxy classes, during the relay's start (BENCHMARKS.md, "Twelfth
     * iteration: start-up"). Nothing here reads those events; an operator who wants them sets
     * {@code -Dio.netty.jfr.enabled=true}. Before any Netty class reads it.
     */
    static void quietNettyJfr() {
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
    }

    /** Runs one command line; the writers are parameters so that tests can read what was printed. */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        boolean debug = Arrays.asList(args).contains(DEBUG);
        CommandLine cli = new CommandLine(model(args));
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, arguments) -> {
            err.println("jmiredo: " + e.getMessage() + " (see jmiredo --help)");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            int code = report(err, e);
            if (debug) {
                e.printStackTrace(err);
            }
            return code;
        });
        return cli.execute(args);
    }

    /**
     * The model of {@code jmiredo} for {@code args}. A daemon's command line ({@code [--debug] relay ...}, as
     * {@link EarlyStart#namesDaemon}) gets that daemon's command alone, built by hand ({@link CliModel}); any other
     * gets every command, {@code checkconf} and picocli's {@code help} by their annotations, as the help lists them.
     */
    static CommandSpec model(String... args) {
        CommandSpec jmiredo = withExitCodes(new Main().spec);
        String daemon = daemonOf(args);
        if (daemon != null) {
            return jmiredo.addSubcommand(daemon, daemon(daemon));
        }
        for (String name : EarlyStart.DAEMONS) {
            jmiredo.addSubcommand(name, daemon(name));
        }
        return jmiredo.addSubcommand("checkconf", new CommandLine(new CheckConfCommand()))
                .addSubcommand("help", new CommandLine(new CommandLine.HelpCommand()));
    }

    /** The daemon {@code args} starts: its first argument after any {@code --debug}, if that names one; else null. */
    static String daemonOf(String... args) {
        for (String arg : args) {
            if (!arg.equals(DEBUG)) {
                return EarlyStart.DAEMONS.contains(arg) ? arg : null;
            }
        }
        return null;
    }

    private static CommandSpec daemon(String name) {
        return withExitCodes(
                switch (name) {
                    case "relay" -> new RelayCommand().spec();
                    case "server" -> new ServerCommand().spec();
                    case "mire" -> new MireCommand().spec();
                    case "client" -> new ClientCommand().spec();
                    default -> throw new IllegalArgumentException(name);
                });
    }

    /**
     * The exit codes, in the help of {@code jmiredo} and of each daemon: what a supervisor or a script tells apart (a
     * configuration no restart fixes, 78, from a failure on the host that one may, 1). Before, only this class's
     * comment and the README said them.
     */
    static CommandSpec withExitCodes(CommandSpec spec) {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "Success; a daemon: stopped by SIGTERM or SIGINT (143: the signal came before its handlers).");
        codes.put(
                "1",
                "checkconf: the file is invalid. A daemon: its start failed on this host (port or tunnel name in "
                        + "use, no /dev/net/tun, an address missing), or its tunnel was deleted under it.");
        codes.put("2", "Usage error.");
        codes.put(Integer.toString(EXIT_CONFIG), "Invalid configuration (EX_CONFIG): a restart fails the same way.");
        spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        return spec;
    }

    private static int report(PrintWriter err, Exception e) {
        if (e instanceof InvalidConfigException invalid) {
            invalid.problems().forEach(err::println);
            return EXIT_CONFIG;
        }
        if (e instanceof StartupException) {
            err.println("jmiredo: " + e.getMessage());
            return EXIT_FAILURE;
        }
        err.println("jmiredo: internal error: " + e + " (run with --debug for the stack trace)");
        return EXIT_FAILURE;
    }
}
