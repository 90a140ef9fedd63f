package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.jmiredo.server.config.HostPort;
import org.jmiredo.server.config.LogFormat;
import org.jmiredo.server.config.LoggingConfig;
import org.jmiredo.server.config.SyslogFacility;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogSetupTest {
    @Test
    void syslogFacilitySendsRfc3164DatagramsWithThatFacility() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.start();
        try (DatagramSocket syslogd = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            syslogd.setSoTimeout(5_000);
            LogSetup.apply(
                    context,
                    new LoggingConfig(
                            LogFormat.TEXT,
                            "INFO",
                            Optional.of(SyslogFacility.LOCAL3),
                            new HostPort("127.0.0.1", syslogd.getLocalPort())));
            context.getLogger("org.jmiredo.Thing").warn("relay restarted");

            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            syslogd.receive(packet);
            String message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            // PRI = facility * 8 + severity: local3 is 19, warning is 4 (RFC 5424 §6.2.1).
            assertThat(message)
                    .startsWith("<156>")
                    .endsWith("jmiredo[" + ProcessHandle.current().pid() + "]: Thing: relay restarted");
        } finally {
            context.stop();
        }
    }

    @Test
    void logSetupSwitchesTheConsoleToJsonAndBack() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.start();
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            LogSetup.apply(
                    context,
                    new LoggingConfig(LogFormat.JSON, "DEBUG", Optional.empty(), new HostPort("localhost", 514)));
            context.getLogger("x").debug("as json");
            LogSetup.apply(context, LoggingConfig.defaults());
            context.getLogger("x").debug("not shown at INFO");
            context.getLogger("x").info("as text");
        } finally {
            System.setErr(saved);
        }
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(JsonLineLayoutTest.parse(lines.get(0)).getString("msg")).isEqualTo("as json");
        assertThat(lines.get(1)).matches("\\S+ INFO  \\[.+] x: as text");
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(LogSetup.SYSLOG))
                .isNull();
    }

    @Test
    void noFacilityRemovesTheSyslogAppender() {
        LoggerContext context = new LoggerContext();
        context.start();
        LogSetup.apply(
                context,
                new LoggingConfig(
                        LogFormat.TEXT, "INFO", Optional.of(SyslogFacility.DAEMON), new HostPort("127.0.0.1", 9)));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender(LogSetup.SYSLOG)).isNotNull();
        LogSetup.apply(context, LoggingConfig.defaults());
        assertThat(root.getAppender(LogSetup.SYSLOG)).isNull();
        assertThat(root.getAppender(LogSetup.CONSOLE)).isNotNull();
        context.stop();
    }
}
