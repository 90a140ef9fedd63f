package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

class LogBootstrapTest {
    @Test
    void logbackFindsItAsItsConfiguratorService() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .containsExactly(LogBootstrap.class);
    }

    @Test
    void startUpConfigurationIsTextOnStandardErrorAtInfoWithTheLibrariesKeptQuiet() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        try {
            assertThat(new LogBootstrap().configure(context))
                    .isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

            ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getLevel()).isEqualTo(Level.INFO);
            assertThat(root.getAppender(LogSetup.CONSOLE))
                    .isInstanceOfSatisfying(ConsoleAppender.class, console -> assertThat(console.getTarget())
                            .isEqualTo("System.err"));
            assertThat(context.getLogger("io.netty.channel").getEffectiveLevel())
                    .isEqualTo(Level.INFO);
            assertThat(context.getLogger("io.micrometer.core").getEffectiveLevel())
                    .isEqualTo(Level.INFO);
            assertThat(context.getLogger("io.netty.util.internal.MacAddressUtil")
                            .getLevel())
                    .isEqualTo(Level.ERROR);
            assertThat(context.getStatusManager().getCopyOfStatusListenerList()).isNotEmpty();
        } finally {
            context.stop();
        }
    }
}
