package org.jmiredo.server.config;

import java.net.InetSocketAddress;

/**
 * A listening or destination address written {@code HOST:PORT}, or {@code [IPV6]:PORT} for an IPv6 literal.
 *
 * @param host a host name or an address literal (IPv6 without brackets)
 * @param port 0-65535; 0 asks the kernel for an ephemeral port
 */
public record HostPort(String host, int port) {
    public HostPort {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
    }

    /**
     * Parses {@code HOST:PORT} or {@code [IPV6]:PORT}.
     *
     * @throws IllegalArgumentException with the reason
     */
    public static HostPort parse(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("must be HOST:PORT, got \"" + text + "\"");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException(
                    "write an IPv6 address in brackets, [ADDRESS]:PORT, got \"" + text + "\"");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("must be HOST:PORT, got \"" + text + "\"");
        }
        String port = s.substring(colon + 1);
        if (!port.chars().allMatch(c -> c >= '0' && c <= '9') || port.length() > 5 || Integer.parseInt(port) > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535, got \"" + port + "\"");
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /**
     * A bound socket's address, as the logs show it ("0.0.0.0:3544", "[0:0:0:0:0:0:0:1]:9544"): without
     * InetSocketAddress's leading "/".
     */
    public static HostPort of(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return new HostPort(host, address.getPort());
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
