package org.jmiredo.server.tun.linux;

import java.nio.ByteOrder;
import org.jmiredo.server.sys.Errno;
import org.jmiredo.server.sys.NativeException;
import org.jmiredo.server.sys.TunSyscalls;

/**
 * Settles a TUN device's offloads with TUNSETOFFLOAD: the most the kernel accepts of {@link TunOffloads},
 * trying the newest first (it answers EINVAL for a flag it does not know). Per device, so once, on the
 * first queue.
 */
final class OffloadNegotiation {
    private OffloadNegotiation() {}

    /**
     * @return what the kernel accepted, or {@link TunOffloads#NONE} for {@link TunOffloadMode#OFF} and for
     *     {@link TunOffloadMode#AUTO} when it accepted nothing
     * @throws NativeException for {@link TunOffloadMode#ON} when the kernel accepted nothing
     */
    static TunOffloads settle(int fd, TunOffloadMode mode, String device) throws NativeException {
        if (mode == TunOffloadMode.OFF) {
            // A persistent device keeps what a previous run set; without virtio headers, offloads left on
            // would hand us super-packets we cannot tell from plain ones. Fresh devices have none: harmless.
            TunSyscalls.setOffload(fd, 0);
            return TunOffloads.NONE;
        }
        int errno = Errno.EINVAL;
        // The virtio header's 16-bit fields are little-endian here: the legacy order of a little-endian host.
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            for (TunOffloads candidate : new TunOffloads[] {TunOffloads.TSO_USO, TunOffloads.TSO}) {
                int result = TunSyscalls.setOffload(fd, candidate.flags());
                if (result == 0) {
                    return candidate;
                }
                errno = -result;
            }
        }
        if (mode == TunOffloadMode.ON) {
            throw new NativeException(
                    "the kernel refused TUN offloads (needs Linux 2.6.27 and a little-endian "
                            + "host): set tun.offload = auto or off",
                    "TUNSETOFFLOAD " + device,
                    errno);
        }
        return TunOffloads.NONE;
    }
}
