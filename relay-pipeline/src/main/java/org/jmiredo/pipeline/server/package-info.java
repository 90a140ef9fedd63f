/**
 * The Netty side of the Teredo server and of the mire. For the daemon:
 * <ul>
 *   <li>{@link org.jmiredo.pipeline.server.ServerDataPath}: per event loop, bind one UDP channel to
 *       {@code primary:3544} and one to {@code secondary:3544} (SO_REUSEPORT when several loops), register
 *       both on the same loop, and call {@code initChannels(primary, secondary, nativeOut)}.
 *       {@code nativeOut} is a {@link org.jmiredo.tun.TunQueue}: a raw IPv6 socket
 *       ({@code socket(AF_INET6, SOCK_RAW, IPPROTO_RAW)}, as Miredo) or a TUN queue whose packets the
 *       kernel routes; it never takes ownership and may refuse (counted).</li>
 *   <li>{@link org.jmiredo.pipeline.server.MireDataPath}: bind {@code address:3544} and
 *       {@code address:3545} and call {@code initChannels(service, peer)}.</li>
 *   <li>Both expose {@code counters()}: one {@link org.jmiredo.metrics.DataPathCounters} per channel.</li>
 * </ul>
 */
package org.jmiredo.pipeline.server;
