package org.jmiredo.server.netlink;

/**
 * The numbers of the netlink and rtnetlink protocols this package speaks (include/uapi/linux/netlink.h,
 * rtnetlink.h, if_link.h, if_addr.h, if_tun.h), all stable kernel ABI. Fields are in host byte order.
 */
final class RtnetlinkConstants {
    private RtnetlinkConstants() {}

    /** struct nlmsghdr: u32 length, u16 type, u16 flags, u32 sequence, u32 port id. */
    static final int NLMSG_HDRLEN = 16;
    /** Messages and attributes start on 4-byte boundaries (NLMSG_ALIGNTO, NLA_ALIGNTO). */
    static final int ALIGN = 4;
    /** struct nlattr: u16 length (header included), u16 type, then the value. */
    static final int NLA_HDRLEN = 4;

    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;
    /** With GET: all entries (NLM_F_ROOT | NLM_F_MATCH). */
    static final int NLM_F_DUMP = 0x300;
    /** With NEW: fail with EEXIST if the object exists; create it if it does not. */
    static final int NLM_F_EXCL = 0x200;

    static final int NLM_F_CREATE = 0x400;
    /** On NLMSG_ERROR: only the request's header is echoed (NETLINK_CAP_ACK), TLVs follow (NETLINK_EXT_ACK). */
    static final int NLM_F_CAPPED = 0x100;

    static final int NLM_F_ACK_TLVS = 0x200;
    /** enum nlmsgerr_attrs: the kernel's text for an error (extack). */
    static final int NLMSGERR_ATTR_MSG = 1;

    static final int RTM_NEWLINK = 16;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;

    static final int AF_UNSPEC = 0;
    static final int AF_INET6 = 10;

    /** struct ifinfomsg: u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change. */
    static final int IFINFOMSG_LENGTH = 16;

    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_TXQLEN = 13;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    /** IFLA_TUN_NUM_QUEUES in IFLA_INFO_DATA of kind "tun" (Linux 4.15). */
    static final int IFLA_TUN_NUM_QUEUES = 8;

    static final int IFF_UP = 0x1;
    static final int IFF_MULTICAST = 0x1000;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    /** No duplicate address detection (ip's "nodad"): usable without waiting for DAD. */
    static final int IFA_F_NODAD = 0x02;

    /**
     * struct rtmsg: u8 family, dst_len, src_len, tos, table, protocol, scope, type, then u32 flags.
     */
    static final int RTMSG_LENGTH = 12;

    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    /** The route's metric (ip route's "metric"); without it the kernel gives an IPv6 route 1024. */
    static final int RTA_PRIORITY = 6;

    static final int RTA_TABLE = 15;
    static final int RT_TABLE_MAIN = 254;
    /** What ip route add marks its routes with. */
    static final int RTPROT_BOOT = 3;

    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RTN_UNICAST = 1;
    /** A route to an address of this host: packets to it are delivered here. */
    static final int RTN_LOCAL = 2;
}
