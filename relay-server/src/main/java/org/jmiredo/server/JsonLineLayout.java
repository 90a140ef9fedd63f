package org.jmiredo.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log event, on one line (JSON Lines), for log shippers:
 * {@code {"ts":"...Z","level":"INFO","logger":"...","thread":"...","msg":"...", key-values..., "mdc":{...},
 * "exception":"..."}}. Written here rather than taken from a library: it is short, and the daemon needs
 * no JSON library otherwise.
 */
public final class JsonLineLayout extends LayoutBase<ILoggingEvent> {
    private static final Set<String> RESERVED = Set.of("ts", "level", "logger", "thread", "msg", "mdc", "exception");

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder json = new StringBuilder(256);
        json.append('{');
        field(json, "ts", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(event.getTimeStamp())));
        field(json.append(','), "level", event.getLevel().toString());
        field(json.append(','), "logger", event.getLoggerName());
        field(json.append(','), "thread", event.getThreadName());
        field(json.append(','), "msg", event.getFormattedMessage());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                String key = RESERVED.contains(pair.key) ? "kv_" + pair.key : pair.key;
                field(json.append(','), key, String.valueOf(pair.value));
            }
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null && !mdc.isEmpty()) {
            json.append(",\"mdc\":{");
            boolean first = true;
            for (Map.Entry<String, String> entry : mdc.entrySet()) {
                field(first ? json : json.append(','), entry.getKey(), entry.getValue());
                first = false;
            }
            json.append('}');
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(json.append(','), "exception", ThrowableProxyUtil.asString(thrown));
        }
        return json.append('}').append('\n').toString();
    }

    @Override
    public String getContentType() {
        return "application/x-ndjson";
    }

    private static void field(StringBuilder json, String name, String value) {
        string(json, name);
        json.append(':');
        if (value == null) {
            json.append("null");
        } else {
            string(json, value);
        }
    }

    /** A JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped, lone surrogates too. */
    static void string(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || lone(s, i)) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    /** A surrogate without its pair cannot be encoded in UTF-8; escape it so the line stays valid. */
    private static boolean lone(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }
}
