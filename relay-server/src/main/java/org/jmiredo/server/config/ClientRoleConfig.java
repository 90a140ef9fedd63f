package org.jmiredo.server.config;

import java.util.List;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.proto.Ipv4;

/**
 * {@code jmiredo.client}: the Teredo client role ({@code jmiredo client}, RFC 4380 §5.2). Validated when
 * read; whether it is set at all is checked by the command.
 *
 * @param serverAddress the server's primary IPv4 in network order, global unicast; 0 when not configured
 * @param serverAddress2 the server's secondary IPv4 (default: the primary plus one, as Miredo); 0 when the
 *     primary is not configured
 * @param bindAddress the local IPv4 the client's socket binds, 0 for any
 * @param bindPort the local UDP port, 0 for one the kernel picks at random (R-5.2-port)
 * @param defaultRoute whether the qualified client routes ::/0 into its tunnel (Miredo's client does)
 * @param refusals the other sections' settings the client cannot honour (jmiredo.tun.persistent, offload on)
 *     or would ignore (the relay's own keys, when an operator set them), one {@code FILE:LINE: KEY: reason} line
 *     each; the relay and server accept them, so only the client's start refuses them
 * @param serverNames the host names the server's addresses were given as (in miredo.conf), looked up again after
 *     a failed round
 * @param setByOperator the {@code jmiredo.client} keys an operator set (a file, the environment), one
 *     {@code FILE:LINE: KEY: reason} line each: the relay, which would ignore them, refuses them
 * @param originBubblesPerSecond the most direct bubbles a second to origins the server indicates, 0 = unlimited
 * @param echoTestsPerSecond the most echo tests a second for native sources speaking first, 0 = unlimited
 */
public record ClientRoleConfig(
        int serverAddress,
        int serverAddress2,
        int bindAddress,
        int bindPort,
        boolean defaultRoute,
        List<String> refusals,
        ServerNames serverNames,
        List<String> setByOperator,
        int originBubblesPerSecond,
        int echoTestsPerSecond) {

    /**
     * reference.conf's budgets of the answers to strangers: a peer bubbles us at most once per 2 s and the client's
     * table holds 4,096 peers, each tested again at most every 30 s (its trust's lapse), about 140 a second at most
     * in the steady state.
     */
    public static final int DEFAULT_ANSWERS_PER_SECOND = 500;

    public ClientRoleConfig {
        refusals = List.copyOf(refusals);
        setByOperator = List.copyOf(setByOperator);
    }

    public ClientRoleConfig(
            int serverAddress, int serverAddress2, int bindAddress, int bindPort, boolean defaultRoute) {
        this(
                serverAddress,
                serverAddress2,
                bindAddress,
                bindPort,
                defaultRoute,
                List.of(),
                ServerNames.NONE,
                List.of(),
                DEFAULT_ANSWERS_PER_SECOND,
                DEFAULT_ANSWERS_PER_SECOND);
    }

    public static ClientRoleConfig unset() {
        return new ClientRoleConfig(0, 0, 0, 0, true);
    }

    /**
     * Refuses the settings the client cannot honour or would ignore ({@link #refusals()}); checked when the client runs
     * a tunnel (not with --qualify-only).
     *
     * @throws InvalidConfigException naming each one's FILE:LINE and key
     */
    public void requireOwnTunnel() throws InvalidConfigException {
        if (!refusals.isEmpty()) {
            throw new InvalidConfigException(refusals);
        }
    }

    /** True when a server address was given. */
    public boolean configured() {
        return serverAddress != 0;
    }

    /**
     * The qualification's settings, with the Teredo prefix the server must advertise.
     *
     * @throws IllegalStateException when the role is not {@link #configured()}
     */
    public QualificationSettings settings(int prefix) {
        if (!configured()) {
            throw new IllegalStateException("jmiredo.client.server-address is not set");
        }
        return new QualificationSettings(serverAddress, serverAddress2, prefix);
    }

    @Override
    public String toString() {
        return "ClientRoleConfig["
                + (configured()
                        ? Ipv4.toString(serverAddress) + ", " + Ipv4.toString(serverAddress2)
                        : "not configured")
                + ", bind " + Ipv4.toString(bindAddress) + ":" + bindPort + ", default route " + defaultRoute
                + ", origin-bubbles-per-second " + originBubblesPerSecond + ", echo-tests-per-second "
                + echoTestsPerSecond
                + "]";
    }
}
