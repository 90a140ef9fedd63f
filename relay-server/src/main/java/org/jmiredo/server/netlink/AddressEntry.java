package org.jmiredo.server.netlink;

import static org.jmiredo.server.netlink.RtnetlinkConstants.IFADDRMSG_LENGTH;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFA_ADDRESS;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFA_FLAGS;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFA_F_TENTATIVE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFA_LOCAL;

import java.util.Arrays;

/**
 * One address of a dump (an RTM_NEWADDR message), the parts the configurator looks at.
 *
 * @param index the interface's index
 * @param address the address's bytes (IFA_LOCAL, else IFA_ADDRESS)
 * @param flags IFA_F_* (IFA_FLAGS when given, which holds all 32 bits, else the 8-bit ifa_flags)
 */
record AddressEntry(int index, byte[] address, int flags) {
    static AddressEntry of(NetlinkMessage message) {
        NetlinkAttributes attributes = message.attributes(IFADDRMSG_LENGTH);
        byte[] address = attributes.bytes(IFA_LOCAL).or(() -> attributes.bytes(IFA_ADDRESS)).orElse(new byte[0]);
        return new AddressEntry(message.payload().getInt(4), address,
                attributes.u32(IFA_FLAGS).orElse(message.payload().get(2) & 0xFF));
    }

    boolean is(int index, byte[] address) {
        return this.index == index && Arrays.equals(this.address, address);
    }

    boolean tentative() {
        return (flags & IFA_F_TENTATIVE) != 0;
    }
}
