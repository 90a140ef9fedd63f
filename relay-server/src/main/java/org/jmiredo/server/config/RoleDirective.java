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
 * @param choosesRole whether it is RelayType (or, without one, the ServerAddress that makes Miredo a client):
 *     the relay and the client then refuse the other's file rather than ignore it, as Miredo runs one or the other
 */
public record RoleDirective(String origin, String directive, DataPathRole role, boolean choosesRole) {
    public RoleDirective(String origin, String directive, DataPathRole role) {
        this(origin, directive, role, false);
    }

    /** The warning of a daemon running {@code running}, another role than {@link #role()}. */
    String ignoredBy(DataPathRole running) {
        return origin + ": directive \"" + directive + "\" is for `jmiredo " + role.command() + "`; `jmiredo "
                + running.command() + "` ignores it";
    }

    /** Whether {@code running} refuses the file: the relay a client's, the client a relay's. */
    boolean refusedBy(DataPathRole running) {
        return choosesRole && role != running && (running == DataPathRole.RELAY || running == DataPathRole.CLIENT);
    }

    /** The error of {@link #refusedBy}. */
    String refusal() {
        return origin + ": directive \"" + directive + "\": this file configures a Teredo " + role.command()
                + ": run `jmiredo " + role.command() + " --miredo-conf`";
    }
}
