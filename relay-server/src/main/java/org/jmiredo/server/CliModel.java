package org.jmiredo.server;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * picocli models built by hand, for {@code jmiredo} itself and the daemon commands: what a daemon's start parses.
 * picocli's annotation model reads every command's annotations by reflection at start, and the JDK makes a proxy
 * class for each annotation type it reads, which the AOT cache cannot keep: with picocli's own classes (kept since
 * the build rewrites them, {@code src/build/RetargetOldClasses.java}) that work was done anew at every start, the
 * largest item of the main thread's start (BENCHMARKS.md, "Twelfth iteration: start-up"). {@code checkconf} and {@code help} keep their
 * annotations: they are built only when the command line may need them ({@link Main#model}).
 * {@code CliTranscriptTest} holds every help text and usage error to what the annotations printed.
 */
final class CliModel {
    private CliModel() {}

    /**
     * A command that runs {@code command} (a Runnable or Callable), with the options picocli's
     * {@code mixinStandardHelpOptions} gives: {@code -h, --help} and {@code -V, --version}, worded as picocli words them.
     */
    static CommandSpec command(Object command, String name, String description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
        spec.usageMessage().description(description);
        spec.addOption(OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("Show this help message and exit.")
                .build());
        spec.addOption(OptionSpec.builder("-V", "--version")
                .versionHelp(true)
                .description("Print version information and exit.")
                .build());
        return spec;
    }

    /** An option that takes one value of {@code type}. */
    static OptionSpec option(String name, String paramLabel, Class<?> type, String description) {
        return OptionSpec.builder(name)
                .paramLabel(paramLabel)
                .type(type)
                .description(description)
                .build();
    }

    /** An option without a value: true when given. */
    static OptionSpec flag(String name, String description) {
        return OptionSpec.builder(name)
                .type(boolean.class)
                .description(description)
                .build();
    }

    /** The value {@code option} of {@code spec} was given, its default, or null. */
    static <T> T value(CommandSpec spec, String option) {
        return spec.findOption(option).getValue();
    }
}
