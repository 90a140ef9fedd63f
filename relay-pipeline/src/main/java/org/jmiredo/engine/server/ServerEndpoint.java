package org.jmiredo.engine.server;

/**
 * The server's two IPv4 addresses, each with a UDP socket on port 3544 (RFC 4380 §5.3; CONFORMANCE K13:
 * the same port on both). Datagrams arrive on either; the rules say which one each answer leaves from.
 */
public enum ServerEndpoint {
    /** The service address: embedded in every client's Teredo address; forwarded packets leave from it. */
    PRIMARY,
    /** The second address, used to answer a Router Solicitation whose source has the cone bit (§5.3.2). */
    SECONDARY;

    /** The other address: where an RA for a cone-bit RS leaves from. */
    public ServerEndpoint other() {
        return this == PRIMARY ? SECONDARY : PRIMARY;
    }
}
