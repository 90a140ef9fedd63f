package org.jmiredo.server.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The calls that open a tunnel on the BSDs and macOS, through FFM: open(2) of a tun device node, its ioctls, and
 * macOS's utun control socket. Set-up only, never per packet. The request numbers come from the caller
 * ({@code tun.bsd.BsdIoctl}, computed from each system's header definitions); the constants here are the ones
 * shared by every BSD (cited where they are defined). Results follow {@link Libc}: a failed call throws a
 * {@link NativeException} whose errno is the system's own number (the low ones, EPERM to ENXIO and EBUSY, are the
 * same as Linux's, so their names print right; beyond 34 the BSDs number differently).
 */
public final class BsdTunSyscalls {
    private BsdTunSyscalls() {}

    /** O_RDWR (sys/fcntl.h): 2 on every BSD and on macOS, as on Linux. */
    static final int O_RDWR = 0x2;
    /** PF_SYSTEM = AF_SYSTEM (macOS sys/socket.h). */
    static final int PF_SYSTEM = 32;
    /** SOCK_DGRAM (sys/socket.h, every BSD). */
    static final int SOCK_DGRAM = 2;
    /** SYSPROTO_CONTROL (macOS sys/kern_control.h), also the getsockopt level of a control socket. */
    static final int SYSPROTO_CONTROL = 2;
    /** AF_SYS_CONTROL (macOS sys/sys_domain.h): the ss_sysaddr of a sockaddr_ctl. */
    static final int AF_SYS_CONTROL = 2;
    /** UTUN_OPT_IFNAME (macOS net/if_utun.h): the interface name of a connected utun socket. */
    static final int UTUN_OPT_IFNAME = 2;
    /** The utun kernel control's name (macOS net/if_utun.h, UTUN_CONTROL_NAME). */
    public static final String UTUN_CONTROL_NAME = "com.apple.net.utun_control";
    /** struct ctl_info (sys/kern_control.h): u_int32_t ctl_id, then char ctl_name[MAX_KCTL_NAME = 96]. */
    public static final int CTL_INFO_SIZE = 4 + 96;
    /**
     * struct sockaddr_ctl (sys/kern_control.h): u_char sc_len, u_char sc_family, u_int16_t ss_sysaddr, u_int32_t
     * sc_id, u_int32_t sc_unit, u_int32_t sc_reserved[5].
     */
    public static final int SOCKADDR_CTL_SIZE = 32;
    /** struct ifreq (net/if.h): IFNAMSIZ (16) name bytes, then a 16-byte union, on every BSD and macOS. */
    public static final int IFREQ_SIZE = 32;

    private static final int IFNAMSIZ = 16;

    /** Opens a tun device node ({@code /dev/tun}, {@code /dev/tun0}) for reading and writing. */
    public static int open(String path) throws NativeException {
        int fd = Libc.open(path, O_RDWR);
        if (fd < 0) {
            throw new NativeException(openHint(-fd), "open " + path, -fd);
        }
        return fd;
    }

    private static String openHint(int errno) {
        return switch (errno) {
            case Errno.ENOENT, Errno.ENXIO -> "no tun device: load the tun driver (FreeBSD: kldload if_tuntap)";
            case Errno.EPERM, Errno.EACCES -> "opening a tun device needs root";
            case Errno.EBUSY -> "this tun device is in use";
            default -> "cannot open the tun device";
        };
    }

    /** ioctl(2) whose argument points to one int, {@code value} (TUNSIFHEAD, TUNSIFMODE, FIONBIO). */
    public static void ioctlInt(int fd, long request, int value, String what) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment argument = arena.allocate(ValueLayout.JAVA_INT);
            argument.set(ValueLayout.JAVA_INT, 0, value);
            check(Libc.ioctl(fd, request, argument), what);
        }
    }

    /** ioctl(2) without an argument (FIOCLEX). */
    public static void ioctlVoid(int fd, long request, String what) throws NativeException {
        check(Libc.ioctl(fd, request, 0L), what);
    }

    /** ioctl(2) that fills a struct ifreq's name (TUNGIFNAME); returns that name. */
    public static String ioctlName(int fd, long request, String what) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
            check(Libc.ioctl(fd, request, ifreq), what);
            return cString(ifreq, IFNAMSIZ);
        }
    }

    /**
     * Opens a macOS utun: a PF_SYSTEM control socket connected to the utun control, {@code unit} 0 for the next free
     * utunN, N + 1 for utunN. Returns the fd and the interface's name.
     *
     * @param ctlIocGInfo CTLIOCGINFO, the request that turns the control's name into its id
     */
    public static Opened openUtun(int unit, long ctlIocGInfo) throws NativeException {
        int fd = Libc.socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
        if (fd < 0) {
            throw new NativeException("cannot open a kernel control socket", "socket PF_SYSTEM", -fd);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(CTL_INFO_SIZE);
            info.setString(4, UTUN_CONTROL_NAME, StandardCharsets.US_ASCII);
            check(Libc.ioctl(fd, ctlIocGInfo, info), "CTLIOCGINFO " + UTUN_CONTROL_NAME);
            int id = info.get(ValueLayout.JAVA_INT, 0);
            MemorySegment address = arena.allocate(SOCKADDR_CTL_SIZE);
            address.copyFrom(MemorySegment.ofArray(sockaddrCtl(id, unit)));
            int connected = Libc.connect(fd, address);
            if (connected < 0) {
                throw new NativeException(
                        "cannot create a utun interface (root needed; unit taken?)",
                        "connect utun unit " + unit,
                        -connected);
            }
            MemorySegment name = arena.allocate(IFNAMSIZ);
            int length = Libc.getsockopt(fd, SYSPROTO_CONTROL, UTUN_OPT_IFNAME, name);
            check(length, "getsockopt UTUN_OPT_IFNAME");
            return new Opened(fd, cString(name, IFNAMSIZ));
        } catch (NativeException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** A struct sockaddr_ctl for the control {@code id} and {@code unit}, in the host's byte order (macOS's). */
    public static byte[] sockaddrCtl(int id, int unit) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(SOCKADDR_CTL_SIZE).order(ByteOrder.nativeOrder());
        b.put((byte) SOCKADDR_CTL_SIZE)
                .put((byte) PF_SYSTEM)
                .putShort((short) AF_SYS_CONTROL)
                .putInt(id)
                .putInt(unit);
        return b.array();
    }

    /** close(2), for a tunnel fd not yet handed to Netty. */
    public static void close(int fd) {
        Libc.close(fd);
    }

    /** An opened tunnel: its fd and the interface name the kernel gave it. */
    public record Opened(int fd, String name) {}

    private static void check(int result, String what) throws NativeException {
        if (result < 0) {
            throw new NativeException("cannot set up the tunnel", what, -result);
        }
    }

    private static String cString(MemorySegment segment, int max) {
        byte[] bytes = segment.asSlice(0, max).toArray(ValueLayout.JAVA_BYTE);
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.US_ASCII);
    }
}
