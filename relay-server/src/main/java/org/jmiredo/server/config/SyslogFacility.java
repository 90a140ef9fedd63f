package org.jmiredo.server.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The syslog facilities of RFC 5424 §6.2.1 that syslog(3) names, spelled as Logback's SyslogAppender
 * expects them in upper case. Miredo documents daemon, local0-7, kern and user; the others are accepted
 * because an operator's syslog routing may use them.
 */
public enum SyslogFacility {
    KERN,
    USER,
    MAIL,
    DAEMON,
    AUTH,
    SYSLOG,
    LPR,
    NEWS,
    UUCP,
    CRON,
    AUTHPRIV,
    FTP,
    LOCAL0,
    LOCAL1,
    LOCAL2,
    LOCAL3,
    LOCAL4,
    LOCAL5,
    LOCAL6,
    LOCAL7;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a facility name, case-insensitively; "none" means no syslog.
     *
     * @throws IllegalArgumentException with the reason
     */
    public static Optional<SyslogFacility> parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT);
        if (name.equals("NONE")) {
            return Optional.empty();
        }
        for (SyslogFacility facility : values()) {
            if (facility.name().equals(name)) {
                return Optional.of(facility);
            }
        }
        throw new IllegalArgumentException("must be none or one of "
                + Arrays.stream(values()).map(SyslogFacility::label).collect(Collectors.joining(", "))
                + ", got \"" + text + "\"");
    }
}
