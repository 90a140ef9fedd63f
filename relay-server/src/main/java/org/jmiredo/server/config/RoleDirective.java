package org.jmiredo.server.config;

import org.jmiredo.metrics.DataPathRole;

/**
 * A Miredo directive that only one role reads. Miredo keeps one file per daemon (miredo.conf for the
 * relay, miredo-server.conf for the server), so such a directive given to the other daemon is most likely
 * the wrong file: that daemon ignores it and says so, naming the file and line.
 *
 * @param origin {@code FILE:LINE}
 * @param directive the directive as written
 * @param role the one role that reads it
 */
public record RoleDirective(String origin, String directive, DataPathRole role) {
    /** The warning of a daemon running {@code running}, another role than {@link #role()}. */
    String ignoredBy(DataPathRole running) {
        return origin + ": directive \"" + directive + "\" is for `jmiredo " + role.command() + "`; `jmiredo "
                + running.command() + "` ignores it";
    }
}
