package org.jmiredo.server.netlink;

import static org.jmiredo.server.netlink.RtnetlinkConstants.NLMSGERR_ATTR_MSG;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLMSG_HDRLEN;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLM_F_ACK_TLVS;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLM_F_CAPPED;

import org.jmiredo.server.sys.Errno;

/**
 * The kernel's answer to a request (an NLMSG_ERROR message, struct nlmsgerr: s32 error, the request's header or
 * all of it, then with NETLINK_EXT_ACK attributes): success (errno 0), or an errno with, from Linux 4.12, the
 * kernel's own text for it.
 *
 * @param errno 0, or the positive errno
 * @param kernelMessage the extended-ack text ("ipv6: address already assigned"), or null
 */
record NetlinkAck(int errno, String kernelMessage) {
    static final NetlinkAck OK = new NetlinkAck(0, null);

    static NetlinkAck of(NetlinkMessage error) {
        int errno = -error.payload().getInt(0);
        if ((error.flags() & NLM_F_ACK_TLVS) == 0) {
            return new NetlinkAck(errno, null);
        }
        // Without NLM_F_CAPPED the whole request is echoed: skip as much as its header says it held.
        int echoed = (error.flags() & NLM_F_CAPPED) != 0
                ? NLMSG_HDRLEN
                : error.payload().getInt(4);
        int tlvs = 4 + NetlinkAttributes.align(echoed);
        String text = NetlinkAttributes.parse(
                        error.payload(),
                        Math.min(tlvs, error.payload().limit()),
                        error.payload().limit())
                .string(NLMSGERR_ATTR_MSG)
                .orElse(null);
        return new NetlinkAck(errno, text);
    }

    boolean ok() {
        return errno == 0;
    }

    /**
     * "RTNETLINK answers: File exists", as iproute2 prints it, and the kernel's text after it if it gave one:
     * the words an operator searches for.
     */
    String describe() {
        String answer = "RTNETLINK answers: " + Errno.text(errno);
        return kernelMessage == null || kernelMessage.isBlank() ? answer : answer + " (" + kernelMessage + ")";
    }
}
