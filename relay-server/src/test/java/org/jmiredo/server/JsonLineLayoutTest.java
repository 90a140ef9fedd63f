package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class JsonLineLayoutTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final LoggerContext context = started(new LoggerContext());

    /** A context of our own, sharing the global MDC so that MDC.put reaches its events. */
    private static LoggerContext started(LoggerContext context) {
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.start();
        return context;
    }

    @Test
    void eachEventIsOneValidJsonObjectOnOneLine() {
        Logger log = logger();
        log.info("relay listening on {}", "0.0.0.0:3544");
        MDC.put("peer", "2001:0:c633:6401::1");
        try {
            log.atWarn()
                    .addKeyValue("port", 3544)
                    .addKeyValue("msg", "clash")
                    .log("quote \" backslash \\ newline\n tab\t bell\u0007 é 🦆");
        } finally {
            MDC.remove("peer");
        }
        log.error("failed", new IllegalStateException("boom\nsecond line"));

        List<String> lines = lines();
        assertThat(lines).hasSize(3);
        Config first = parse(lines.get(0));
        assertThat(first.getString("level")).isEqualTo("INFO");
        assertThat(first.getString("logger")).isEqualTo("test.logger");
        assertThat(first.getString("msg")).isEqualTo("relay listening on 0.0.0.0:3544");
        assertThat(first.getString("thread")).isEqualTo(Thread.currentThread().getName());
        assertThat(first.getString("ts")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");

        Config second = parse(lines.get(1));
        assertThat(second.getString("msg")).isEqualTo("quote \" backslash \\ newline\n tab\t bell\u0007 é 🦆");
        assertThat(second.getString("port")).isEqualTo("3544");
        assertThat(second.getString("kv_msg")).isEqualTo("clash");
        assertThat(second.getConfig("mdc").root().unwrapped()).containsEntry("peer", "2001:0:c633:6401::1");

        Config third = parse(lines.get(2));
        assertThat(third.getString("exception"))
                .startsWith("java.lang.IllegalStateException: boom\nsecond line")
                .contains("at org.jmiredo.server.JsonLineLayoutTest");
    }

    @Property
    void anyMessageStaysOneValidLine(@ForAll String message) {
        StringBuilder json = new StringBuilder("{\"m\":");
        JsonLineLayout.string(json, message);
        String line = json.append('}').toString();
        assertThat(line).doesNotContain("\n", "\r");
        // Lone surrogates are escaped, so the line survives UTF-8 encoding unchanged.
        assertThat(new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .isEqualTo(line);
        assertThat(parse(line).getString("m")).isEqualTo(message);
    }

    private Logger logger() {
        JsonLineLayout layout = new JsonLineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        Logger logger = context.getLogger("test.logger");
        logger.addAppender(appender);
        return logger;
    }

    private List<String> lines() {
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        return text.lines().toList();
    }

    /** Typesafe Config's strict JSON mode: a real JSON parser already on the class path. */
    static Config parse(String line) {
        return ConfigFactory.parseString(line, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
    }
}
