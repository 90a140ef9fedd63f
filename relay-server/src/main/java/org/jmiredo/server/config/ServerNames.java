package org.jmiredo.server.config;

/**
 * The host names a client's server addresses were given as (miredo.conf's ServerAddress and ServerAddress2), to
 * be looked up again after a failed round, as Miredo does: a server moved to another IPv4 under its name is found
 * without a restart.
 *
 * @param primary the primary address's name, "" when it was given as an address
 * @param secondary the secondary address's name, "" when it was given as an address or not at all
 * @param secondaryFollows true when no secondary address was given: it is the primary plus one, wherever that goes
 */
public record ServerNames(String primary, String secondary, boolean secondaryFollows) {
    public static final ServerNames NONE = new ServerNames("", "", false);

    /** True when there is a name to look up again. */
    public boolean any() {
        return !primary.isEmpty() || !secondary.isEmpty();
    }
}
