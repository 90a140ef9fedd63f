package org.jmiredo.server.netlink;

import static org.jmiredo.server.netlink.RtnetlinkConstants.NLMSG_HDRLEN;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One message of a netlink reply.
 *
 * @param type RTM_NEWLINK, NLMSG_ERROR, NLMSG_DONE…
 * @param flags NLM_F_*
 * @param sequence the sequence number of the request it answers
 * @param payload what follows the header: the family's fixed header, then its attributes (host byte order)
 */
record NetlinkMessage(int type, int flags, int sequence, ByteBuffer payload) {
    /**
     * Splits a received datagram (position 0 to its limit) into its messages.
     *
     * @throws IllegalArgumentException if a message's length runs past the datagram or is shorter than its header
     */
    static List<NetlinkMessage> split(ByteBuffer datagram) {
        List<NetlinkMessage> messages = new ArrayList<>(1);
        int at = 0;
        while (datagram.limit() - at >= NLMSG_HDRLEN) {
            int length = datagram.getInt(at);
            if (length < NLMSG_HDRLEN || length > datagram.limit() - at) {
                throw new IllegalArgumentException("malformed netlink message at " + at + ": length " + length);
            }
            ByteBuffer payload =
                    datagram.slice(at + NLMSG_HDRLEN, length - NLMSG_HDRLEN).order(ByteOrder.nativeOrder());
            messages.add(new NetlinkMessage(
                    Short.toUnsignedInt(datagram.getShort(at + 4)),
                    Short.toUnsignedInt(datagram.getShort(at + 6)),
                    datagram.getInt(at + 8),
                    payload));
            at += NetlinkAttributes.align(length);
        }
        return messages;
    }

    /** The attributes after a fixed family header of {@code headerLength} bytes. */
    NetlinkAttributes attributes(int headerLength) {
        return NetlinkAttributes.parse(payload, Math.min(headerLength, payload.limit()), payload.limit());
    }
}
