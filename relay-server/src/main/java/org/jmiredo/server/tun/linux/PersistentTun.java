package org.jmiredo.server.tun.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmiredo.server.sys.Errno;
import org.jmiredo.server.sys.NativeException;

/**
 * The checks around attaching to a persistent TUN device the host created ({@code jmiredo.tun.persistent}).
 *
 * <p>Without IFF_TUN_EXCL, TUNSETIFF on a name that does not exist creates a new, non-persistent device when
 * the caller has CAP_NET_ADMIN, and fails with a bare EPERM when it has not (drivers/net/tun.c, tun_set_iff);
 * neither says "the host has not created it". So the device is looked up first in sysfs, where tun.c
 * publishes {@code tun_flags}, {@code owner} and {@code group} (mode 0444: readable without privileges).
 * Sysfs shows the network namespace it was mounted in, which is the daemon's own on the host, in a container
 * and under {@code ip netns exec} (which remounts it).
 */
final class PersistentTun {
    /** linux/if_tun.h: the device outlives its queues (set by TUNSETPERSIST, i.e. {@code ip tuntap add}). */
    static final int IFF_PERSIST = 0x0800;

    private final Path sysClassNet;
    private final String uid;

    /**
     * @param sysClassNet normally /sys/class/net
     * @param uid the daemon's effective uid, for the commands in the hints
     */
    PersistentTun(Path sysClassNet, String uid) {
        this.sysClassNet = sysClassNet;
        this.uid = uid;
    }

    /** For this process: /sys/class/net and the effective uid from /proc/self/status. */
    static PersistentTun ofThisProcess() {
        return new PersistentTun(Path.of("/sys/class/net"), effectiveUid(Path.of("/proc/self/status")));
    }

    /** Before the first TUNSETIFF: the device exists, is a TUN or TAP device, and is persistent. */
    void checkBeforeAttach(String name) throws IOException {
        if (!Files.isDirectory(sysClassNet.resolve(name))) {
            throw new IOException("tun.persistent is set but interface " + name + " does not exist: create it with "
                    + createCommand(name));
        }
        checkPersistent(name);
    }

    /**
     * After the first queue attached. Without IFF_PERSIST the device is another daemon's, whose traffic we
     * must not share, or one the kernel just created for us because the host's was deleted after
     * {@link #checkBeforeAttach}.
     */
    void checkPersistent(String name) throws IOException {
        String flags = attribute(name, "tun_flags");
        if (flags == null) {
            throw new IOException(
                    "tun.persistent is set but interface " + name + " is not a TUN device: choose another tun name");
        }
        if ((parseFlags(flags) & IFF_PERSIST) == 0) {
            throw new IOException("tun.persistent is set but interface " + name + " is not persistent (another "
                    + "Teredo daemon's device?): the host must create it with " + createCommand(name));
        }
    }

    /** The kernel's refusal of TUNSETIFF on an existing device, with a hint for this mode. */
    NativeException explain(String name, NativeException e) {
        String hint =
                switch (e.errno()) {
                    // tun_not_capable(): the device has an owner or group that is not ours, and we lack CAP_NET_ADMIN.
                    case Errno.EPERM, Errno.EACCES ->
                        "interface " + name + " belongs to another user (owner "
                                + attributeOrUnset(name, "owner") + ", group " + attributeOrUnset(name, "group")
                                + ", this daemon runs as uid " + uid + "): recreate it with " + createCommand(name);
                    // tun_set_iff(): an IFF_MULTI_QUEUE request on a single-queue device, or a TAP device.
                    case Errno.EINVAL ->
                        "interface " + name + " is not a multi-queue TUN device: recreate it with "
                                + createCommand(name);
                    default -> null;
                };
        return hint == null ? e : new NativeException(hint, e.operation(), e.errno());
    }

    /**
     * IFF_TUN_EXCL's EBUSY (the daemon creates its own device): if the name is a persistent device, the host
     * probably made it for a relay, and {@code tun.persistent} is what is missing. The client always creates its
     * own device and refuses the key: the hint says which command takes it, since both roles come here.
     */
    NativeException explainTaken(String name, NativeException e) {
        String flags = attribute(name, "tun_flags");
        if (flags == null || (parseFlags(flags) & IFF_PERSIST) == 0) {
            return e;
        }
        return new NativeException(
                "interface " + name + " is a persistent TUN device the host created: delete it "
                        + "(ip link del " + name + ") or choose another tun.name; `jmiredo relay` attaches to it with "
                        + "tun.persistent = true (`jmiredo client` cannot)",
                e.operation(),
                e.errno());
    }

    String createCommand(String name) {
        return "ip tuntap add dev " + name + " mode tun multi_queue user " + uid;
    }

    private String attribute(String name, String attribute) {
        try {
            return Files.readString(sysClassNet.resolve(name).resolve(attribute))
                    .strip();
        } catch (IOException e) {
            return null;
        }
    }

    // tun.c prints -1 for an owner or group that was not set.
    private String attributeOrUnset(String name, String attribute) {
        String value = attribute(name, attribute);
        return value == null || value.equals("-1") ? "none" : value;
    }

    /** tun_flags is printed as "0x%x". */
    static int parseFlags(String text) {
        try {
            return Integer.parseUnsignedInt(text.startsWith("0x") ? text.substring(2) : text, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The second field of the "Uid:" line of proc(5) status (real, effective, saved, fs). */
    static String effectiveUid(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).strip().split("\\s+");
                    return ids.length > 1 ? ids[1] : ids[0];
                }
            }
        } catch (IOException e) {
            // fall through: the hint then names a placeholder
        }
        return "<uid>";
    }
}
