package org.jmiredo.server.config;

import java.util.Optional;

/**
 * {@code jmiredo.logging}.
 *
 * @param format text or JSON lines on standard error
 * @param level the least severe level logged ("info", "debug", ...), upper case
 * @param syslogFacility when present, logs also go to syslog with this facility
 * @param syslogAddress the syslog daemon that receives them over UDP
 */
public record LoggingConfig(
        LogFormat format, String level, Optional<SyslogFacility> syslogFacility, HostPort syslogAddress) {
    public static LoggingConfig defaults() {
        return new LoggingConfig(LogFormat.TEXT, "INFO", Optional.empty(), new HostPort("localhost", 514));
    }
}
