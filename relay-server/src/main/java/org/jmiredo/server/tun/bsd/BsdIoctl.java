package org.jmiredo.server.tun.bsd;

import org.jmiredo.server.sys.BsdTunSyscalls;

/**
 * ioctl request numbers as the BSDs and macOS encode them (sys/ioccom.h, the same macros on FreeBSD, DragonFly,
 * NetBSD, OpenBSD and Darwin): {@code _IOC(inout, group, num, len) = inout | ((len & IOCPARM_MASK) << 16) |
 * (group << 8) | num}, with IOC_VOID 0x20000000, IOC_OUT 0x40000000, IOC_IN 0x80000000 and IOCPARM_MASK 0x1fff.
 * Each request below is computed from its header's definition, cited, rather than pasted as a number.
 */
final class BsdIoctl {
    private BsdIoctl() {}

    static final long IOC_VOID = 0x2000_0000L;
    static final long IOC_OUT = 0x4000_0000L;
    static final long IOC_IN = 0x8000_0000L;
    static final long IOC_INOUT = IOC_IN | IOC_OUT;
    static final int IOCPARM_MASK = 0x1fff;
    /** sizeof(int) on every BSD ABI we could run on. */
    static final int INT = 4;

    /** FIONBIO (sys/filio.h): {@code _IOW('f', 126, int)}, set or clear non-blocking I/O. */
    static final long FIONBIO = iow('f', 126, INT);
    /** FIOCLEX (sys/filio.h): {@code _IO('f', 1)}, close on exec. */
    static final long FIOCLEX = io('f', 1);
    /** CTLIOCGINFO (macOS sys/kern_control.h): {@code _IOWR('N', 3, struct ctl_info)}. */
    static final long CTLIOCGINFO = iowr('N', 3, BsdTunSyscalls.CTL_INFO_SIZE);

    static long ioc(long inout, char group, int num, int len) {
        return inout | ((long) (len & IOCPARM_MASK) << 16) | ((long) group << 8) | num;
    }

    /** {@code _IO(g, n)}: no argument. */
    static long io(char group, int num) {
        return ioc(IOC_VOID, group, num, 0);
    }

    /** {@code _IOR(g, n, t)}: the kernel writes a {@code len}-byte argument. */
    static long ior(char group, int num, int len) {
        return ioc(IOC_OUT, group, num, len);
    }

    /** {@code _IOW(g, n, t)}: the kernel reads a {@code len}-byte argument. */
    static long iow(char group, int num, int len) {
        return ioc(IOC_IN, group, num, len);
    }

    /** {@code _IOWR(g, n, t)}: both. */
    static long iowr(char group, int num, int len) {
        return ioc(IOC_INOUT, group, num, len);
    }
}
