package org.jmiredo.server.config;

/**
 * {@code jmiredo.icmp}.
 *
 * @param errorsPerSecond most ICMPv6 errors written back to the tunnel per second; 0 sends none
 */
public record IcmpConfig(int errorsPerSecond) {}
