package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Attaching to a Linux TUN device: {@code open("/dev/net/tun")} then {@code ioctl(TUNSETIFF, struct ifreq)}
 * (kernel Documentation/networking/tuntap.rst). Each call attaches one queue; with {@link #IFF_MULTI_QUEUE}
 * several fds may attach to the same device name, one per event loop. The device disappears when its last
 * fd is closed (it is not made persistent).
 */
public final class TunSyscalls {
    private TunSyscalls() {}

    /** The TUN/TAP control device. */
    public static final String CONTROL_DEVICE = "/dev/net/tun";

    /** linux/if_tun.h: a layer-3 device (no Ethernet header). */
    public static final int IFF_TUN = 0x0001;
    /** linux/if_tun.h: no 4-byte packet-information prefix; every read/write is one bare IP packet. */
    public static final int IFF_NO_PI = 0x1000;
    /** linux/if_tun.h (Linux 3.8): several fds (queues) on one device; the kernel spreads flows over them. */
    public static final int IFF_MULTI_QUEUE = 0x0100;
    /** linux/if_tun.h (Linux 3.8): fail with EBUSY if the device already exists, instead of attaching to it. */
    public static final int IFF_TUN_EXCL = 0x8000;

    /**
     * linux/if_tun.h (Linux 2.6.27): every read and write starts with a 10-byte struct virtio_net_hdr, which
     * carries checksum and GSO offload metadata. A per-device flag that each attach sets: the last queue
     * attached decides, whatever the host created the device with ({@code ip tuntap add ... vnet_hdr}).
     */
    public static final int IFF_VNET_HDR = 0x4000;

    /** TUNSETOFFLOAD flag: we take packets with a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM). */
    public static final int TUN_F_CSUM = 0x01;
    /** TUNSETOFFLOAD flag: we take TCP/IPv6 GSO super-packets (TSO6). Needs TUN_F_CSUM. */
    public static final int TUN_F_TSO6 = 0x04;
    /** TUNSETOFFLOAD flag: TSO super-packets may carry CWR (ECN), which we keep on the first segment only. */
    public static final int TUN_F_TSO_ECN = 0x08;
    /** TUNSETOFFLOAD flags (Linux 6.2): UDP segmentation offload; the kernel wants both or neither. */
    public static final int TUN_F_USO4 = 0x20;

    public static final int TUN_F_USO6 = 0x40;

    /** _IOW('T', 202, int). */
    static final long TUNSETIFF = 0x400454caL;
    /** _IOW('T', 208, unsigned int); the flags are passed by value. */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    /** struct ifreq: char ifr_name[IFNAMSIZ] then a 24-byte union whose first member is short ifr_flags. */
    static final int IFREQ_SIZE = 40;

    static final int IFNAMSIZ = 16;
    private static final long IFR_FLAGS_OFFSET = 16;

    /** An attached queue: its fd (non-blocking, close-on-exec) and the device name the kernel gave. */
    public record Attached(int fd, String name) {}

    /**
     * Opens one queue of the TUN device {@code name} with the given IFF_* flags.
     *
     * @throws NativeException with an operator hint (missing module, missing CAP_NET_ADMIN, name taken…)
     * @throws IllegalArgumentException if {@code name} is not a valid interface name
     */
    public static Attached attach(String name, int flags) throws NativeException {
        return attach(CONTROL_DEVICE, name, flags);
    }

    static Attached attach(String controlDevice, String name, int flags) throws NativeException {
        byte[] nameBytes = validName(name);
        int fd = Libc.open(controlDevice, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0) {
            throw new NativeException(openHint(controlDevice, -fd), "open " + controlDevice, -fd);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(IFREQ_SIZE, 8);
            MemorySegment.copy(nameBytes, 0, ifreq, JAVA_BYTE, 0, nameBytes.length);
            ifreq.set(JAVA_SHORT, IFR_FLAGS_OFFSET, (short) flags);
            int result = Libc.ioctl(fd, TUNSETIFF, ifreq);
            if (result < 0) {
                Libc.close(fd);
                throw new NativeException(ioctlHint(name, -result), "TUNSETIFF " + name, -result);
            }
            return new Attached(fd, readName(ifreq));
        }
    }

    /**
     * Sets the offloads the device may hand this reader (TUNSETOFFLOAD, per device: any attached queue's fd
     * will do). 0 turns them all off. Returns 0, or {@code -errno}: EINVAL for a flag this kernel does not
     * know (the kernel's way of letting callers probe for new ones).
     */
    public static int setOffload(int fd, int flags) {
        return Libc.ioctl(fd, TUNSETOFFLOAD, flags);
    }

    /** Closes an fd this class opened (for clean-up before it is handed to Netty's FileDescriptor). */
    public static void close(int fd) throws NativeException {
        int result = Libc.close(fd);
        if (result < 0) {
            throw new NativeException("close failed", "close " + fd, -result);
        }
    }

    /** Interface names are 1 to 15 bytes (IFNAMSIZ - 1), without '/', ':' or white space (dev_valid_name). */
    static byte[] validName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        boolean ok = bytes.length > 0 && bytes.length < IFNAMSIZ && !name.equals(".") && !name.equals("..");
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = c != '/' && c != ':' && !Character.isWhitespace(c) && c > ' ';
        }
        if (!ok) {
            throw new IllegalArgumentException(
                    "invalid interface name \"" + name + "\": 1 to 15 characters, no '/', ':' or spaces");
        }
        return bytes;
    }

    private static String readName(MemorySegment ifreq) {
        byte[] raw = ifreq.asSlice(0, IFNAMSIZ).toArray(JAVA_BYTE);
        int length = 0;
        while (length < raw.length && raw[length] != 0) {
            length++;
        }
        return new String(raw, 0, length, StandardCharsets.UTF_8);
    }

    static String openHint(String path, int errno) {
        return switch (errno) {
            case Errno.ENOENT -> "no " + path + ": load the tun module or pass --device /dev/net/tun to the container";
            case Errno.ENODEV, Errno.ENXIO -> "the tun driver is not available: load the tun module (modprobe tun)";
            case Errno.EPERM, Errno.EACCES ->
                "missing CAP_NET_ADMIN: run as root or grant CAP_NET_ADMIN"
                        + " (in a container also allow the device /dev/net/tun)";
            case Errno.EMFILE, Errno.ENFILE -> "too many open files: raise the limit (ulimit -n)";
            default -> "cannot open " + path;
        };
    }

    static String ioctlHint(String name, int errno) {
        return switch (errno) {
            case Errno.EPERM, Errno.EACCES -> "missing CAP_NET_ADMIN: run as root or grant CAP_NET_ADMIN";
            case Errno.EBUSY ->
                "a network device named " + name
                        + " already exists (another Teredo daemon?): stop it or choose another tun name";
            case Errno.EINVAL ->
                "a network device named " + name
                        + " exists and is not a multi-queue TUN device: choose another tun name";
            case Errno.E2BIG -> "too many queues for " + name + ": the kernel allows at most 256";
            case Errno.ENOTTY -> "not a TUN control device";
            default -> "cannot create the TUN device " + name;
        };
    }
}
