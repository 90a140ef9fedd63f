/**
 * The Teredo client's rules (RFC 4380 §5.2, RFC 5991 §3.2), I/O free. Qualification and maintenance: {@link
 * org.jmiredo.engine.client.Qualification} decides, {@link org.jmiredo.engine.client.QualificationOutput}
 * receives what to send and the address. The data rules (§5.2.3, §5.2.4: bubbles, trust, relay discovery):
 * {@link org.jmiredo.engine.client.ClientReception} and {@link org.jmiredo.engine.client.ClientTransmission}.
 *
 * <p>Choices where the RFC leaves room, as Miredo's client: no cone probe (RFC 5991), RS retransmitted every
 * 4 s, 3 per phase, 100 s before a new attempt after a failure; no secure qualification (nonce only, R-5.2.2-nullid),
 * an RA asking for a new key is ignored; a refresh RS at 75-100 % of 30 s whether or not other packets came
 * from the server (Miredo refreshes every 30 s regardless), and its answer is not checked at the secondary
 * address again. Unlike Miredo, which probes the secondary address first, the primary comes first (RFC order).
 */
package org.jmiredo.engine.client;
