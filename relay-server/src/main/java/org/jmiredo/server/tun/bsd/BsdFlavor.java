package org.jmiredo.server.tun.bsd;

import java.util.Locale;
import java.util.Optional;
import org.jmiredo.server.sys.BsdTunSyscalls;

/**
 * The BSD systems and macOS, as far as their tunnels differ: how the device is opened, which ioctls give every
 * packet its 4-byte address-family header (in network byte order, in front of the packet both ways), the value of
 * AF_INET6 in that header, and whether {@code ifconfig NAME name NEW} can rename the interface. The numbers come
 * from each system's headers, cited per constant.
 */
public enum BsdFlavor {
    /**
     * FreeBSD: {@code /dev/tun} clones a new tunN (if_tuntap.c); net/if_tun.h: TUNGIFNAME {@code _IOR('t', 93,
     * struct ifreq)}, TUNSIFMODE {@code _IOW('t', 94, int)}, TUNSIFHEAD {@code _IOW('t', 96, int)}; AF_INET6 28
     * (sys/socket.h).
     */
    FREEBSD(
            "FreeBSD",
            28,
            Opening.CLONING,
            BsdIoctl.iow('t', 96, BsdIoctl.INT),
            BsdIoctl.iow('t', 94, BsdIoctl.INT),
            BsdIoctl.ior('t', 93, BsdTunSyscalls.IFREQ_SIZE),
            true),
    /**
     * DragonFly: as FreeBSD (net/tun/if_tun.h: TUNSIFMODE 94, TUNSIFHEAD 96), but TUNGIFNAME is {@code _IOR('t', 98,
     * struct ifreq)}; AF_INET6 28.
     */
    DRAGONFLY(
            "DragonFly",
            28,
            Opening.CLONING,
            BsdIoctl.iow('t', 96, BsdIoctl.INT),
            BsdIoctl.iow('t', 94, BsdIoctl.INT),
            BsdIoctl.ior('t', 98, BsdTunSyscalls.IFREQ_SIZE),
            true),
    /**
     * NetBSD: {@code /dev/tunN}, the first free one; net/if_tun.h: TUNSIFMODE {@code _IOW('t', 88, int)}, TUNSIFHEAD
     * {@code _IOW('t', 66, int)}; AF_INET6 24.
     */
    NETBSD(
            "NetBSD",
            24,
            Opening.NUMBERED,
            BsdIoctl.iow('t', 66, BsdIoctl.INT),
            BsdIoctl.iow('t', 88, BsdIoctl.INT),
            0,
            false),
    /** OpenBSD: {@code /dev/tunN}, the first free one; the header is always on (tun(4)); AF_INET6 24. */
    OPENBSD("OpenBSD", 24, Opening.NUMBERED, 0, 0, 0, false),
    /**
     * macOS: a utun, through a PF_SYSTEM control socket (net/if_utun.h); the header is always on; AF_INET6 30.
     */
    DARWIN("macOS", 30, Opening.UTUN, 0, 0, 0, false);

    /** How the tunnel's fd is obtained. */
    enum Opening {
        /** Opening {@code /dev/tun} creates the next free tunN; TUNGIFNAME says which. */
        CLONING,
        /** The first {@code /dev/tunN} that is not busy (its open creates tunN). */
        NUMBERED,
        /** macOS's utun control socket. */
        UTUN
    }

    /** AF_INET (sys/socket.h): 2 everywhere; IPv4 routed into the tunnel arrives with it and is dropped. */
    public static final int AF_INET = 2;
    /** IFF_POINTOPOINT (net/if.h, every BSD). */
    static final int IFF_POINTOPOINT = 0x10;
    /** IFF_MULTICAST (net/if.h, every BSD). */
    static final int IFF_MULTICAST = 0x8000;

    private final String label;
    private final int afInet6;
    private final Opening opening;
    private final long tunSetHead;
    private final long tunSetMode;
    private final long tunGetName;
    private final boolean renamable;

    BsdFlavor(
            String label,
            int afInet6,
            Opening opening,
            long tunSetHead,
            long tunSetMode,
            long tunGetName,
            boolean renamable) {
        this.label = label;
        this.afInet6 = afInet6;
        this.opening = opening;
        this.tunSetHead = tunSetHead;
        this.tunSetMode = tunSetMode;
        this.tunGetName = tunGetName;
        this.renamable = renamable;
    }

    /**
     * The flavor of the OS whose {@code os.name} is {@code osName} ("FreeBSD", "NetBSD", "OpenBSD", "DragonFly"
     * or "DragonFlyBSD", "Mac OS X"), or empty for any other (Linux included).
     */
    public static Optional<BsdFlavor> of(String osName) {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT).replace(" ", "");
        if (os.startsWith("freebsd")) {
            return Optional.of(FREEBSD);
        }
        if (os.startsWith("dragonfly")) {
            return Optional.of(DRAGONFLY);
        }
        if (os.startsWith("netbsd")) {
            return Optional.of(NETBSD);
        }
        if (os.startsWith("openbsd")) {
            return Optional.of(OPENBSD);
        }
        if (os.startsWith("macosx") || os.startsWith("darwin")) {
            return Optional.of(DARWIN);
        }
        return Optional.empty();
    }

    /** The flavor of this JVM's OS, or empty. */
    public static Optional<BsdFlavor> current() {
        return of(System.getProperty("os.name"));
    }

    /** The OS's name for messages ("FreeBSD", "macOS"). */
    public String label() {
        return label;
    }

    /** AF_INET6 on this OS: the value of the header in front of an IPv6 packet. */
    public int afInet6() {
        return afInet6;
    }

    Opening opening() {
        return opening;
    }

    /** TUNSIFHEAD, or 0 where the header is always on (OpenBSD, macOS). */
    long tunSetHead() {
        return tunSetHead;
    }

    /** TUNSIFMODE, or 0 where it is not set (OpenBSD: a tun is point-to-point already; macOS: no such ioctl). */
    long tunSetMode() {
        return tunSetMode;
    }

    /** TUNGIFNAME (cloning systems), or 0. */
    long tunGetName() {
        return tunGetName;
    }

    /** True where {@code ifconfig tun0 name teredo} renames the interface (FreeBSD, DragonFly). */
    public boolean renamable() {
        return renamable;
    }
}
