/**
 * The Teredo server's rules (RFC 4380 §5.3, RFC 5991 §3.2) and the {@code teredo-mire} responder, I/O
 * free: {@link org.jmiredo.engine.server.ServerRules} decides, {@link org.jmiredo.engine.server.ServerOutput}
 * receives what to send, {@link org.jmiredo.engine.server.ServerSettings} holds the configuration.
 *
 * <p>Where the RFC leaves room or Miredo deviates (CONFORMANCE §9), the choices made:
 * <ul>
 *   <li>M1: non-bubble packets with an IPv6 payload above 88 bytes are not forwarded (configurable),
 *       as Miredo and Microsoft's servers: never an open UDP relay.</li>
 *   <li>R-5.3 narrower than Miredo: only ICMPv6 Echo Request/Reply are relayed (the RFC's list), not
 *       every small ICMPv6 message; ND messages are link-scoped and would be relayed with the server's
 *       authentic origin indication.</li>
 *   <li>M2: packets from the server's own addresses <em>and</em> port 3544 are loops and dropped, as
 *       Miredo; other ports of those addresses (a relay or client on the same host) are served. Packets
 *       whose Teredo destination maps to our own address and port 3544 are dropped as well.</li>
 *   <li>M3: no secure qualification. An RS with an authentication header gets one back with its nonce,
 *       ID-len = AU-len = 0 and confirmation 0; an RS without one gets an RA without one (as Miredo's
 *       current server.c; the older behaviour of always sending it, with an uninitialised nonce, is not
 *       copied).</li>
 *   <li>M4: RA field values as Miredo (retrans timer 2000 ms, PIO with A only, infinite lifetimes, MTU
 *       option 1280, configurable, 0 leaves it out). Prefix and link-local source always from the
 *       primary address, whichever address the RS arrived on.</li>
 *   <li>R-5.3.2-cone / R5991-3.2-server: an RS whose source has the cone bit is answered from the
 *       other address than it arrived on; otherwise from the same address (RFC text and Miredo; so an
 *       RS to the secondary with C=0 is answered from the secondary).</li>
 *   <li>R-5.3.1-local / M5: an RS to ff02::2 or to the server's own link-local address is answered
 *       (Miredo answers only ff02::2 in practice), from a link-local source (rule 4) or from the client's
 *       own Teredo address with a matching mapping (rule 5, as Miredo); anything else sent there is
 *       dropped, as Miredo.</li>
 *   <li>RS validity: the RFC 4861 §6.1.1 checks (checksum, code 0, hop limit 255) are applied, which
 *       Miredo skips; every real client passes them.</li>
 *   <li>M6: global scope excludes ::/96, ::ffff:0:0/96, fe80::/10, fec0::/10 and all multicast (Miredo:
 *       ::, ::1, fe80::/10, ff00::/8); ULAs count as global, as in RFC 4193.</li>
 *   <li>R6081-4-server: trailers after the IPv6 packet are forwarded unchanged, up to 64 bytes
 *       (a ServerSettings field; the daemon keeps 64, no key); longer ones are dropped so they cannot
 *       carry what M1 refuses. Native IPv6 gets the bare IPv6 packet.</li>
 *   <li>Bubbles towards non-Teredo destinations are not sent to native IPv6 (meaningless there).</li>
 *   <li>Datagrams from UDP source port 0 are dropped like non-global sources: they cannot be answered.</li>
 *   <li>Stateless, as Miredo: no per-client state; the only mutable state is the RA budgets: two ints
 *       per socket (unlimited by default, as Miredo) and, per socket pair, the fixed-size per-destination
 *       table.</li>
 *   <li>R-5.4.3-relay: a pure server; TCP/UDP to or from clients needs a relay (a separate instance, as
 *       Miredo).</li>
 *   <li>Mire: as Miredo's teredo-mire, but other next headers are dropped rather than answered with an
 *       ICMPv6 Parameter Problem, and non-global or port-0 senders get nothing.</li>
 * </ul>
 */
package org.jmiredo.engine.server;
