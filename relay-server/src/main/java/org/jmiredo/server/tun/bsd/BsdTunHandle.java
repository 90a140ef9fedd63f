package org.jmiredo.server.tun.bsd;

import io.netty.channel.IoRegistration;
import io.netty.channel.kqueue.KQueueIoHandle;
import io.netty.channel.kqueue.KQueueIoOps;
import io.netty.channel.unix.FileDescriptor;
import org.jmiredo.server.tun.linux.TunQueueOptions;

/**
 * The BSD or macOS tunnel on a kqueue event loop (Netty 4.2's {@link KQueueIoHandle}: its ident is the fd). Netty's
 * kqueue constants are package-private, so the filter and flags are sys/event.h's values: a read filter without
 * EV_CLEAR is level-triggered, as the Linux queue's epoll registration, so a burst cut by the read budget resumes on
 * the loop's next turn. Everything else is {@link AfFramedQueue}'s, which the tests run on Linux; this class's two
 * methods are the part of the BSD tunnel no test here executes (the kqueue native library loads on BSD/macOS only).
 */
final class BsdTunHandle extends AfFramedQueue implements KQueueIoHandle {
    /** EVFILT_READ (sys/event.h): -1 on every BSD and macOS. */
    static final short EVFILT_READ = -1;
    /** EV_ADD (sys/event.h). */
    static final short EV_ADD = 0x1;
    /** EV_DELETE (sys/event.h). */
    static final short EV_DELETE = 0x2;
    /** EV_ENABLE (sys/event.h). */
    static final short EV_ENABLE = 0x4;
    /** EV_DISABLE (sys/event.h). */
    static final short EV_DISABLE = 0x8;

    /** Arms the read filter, as Netty's own kqueue channels do (EV_ADD | EV_ENABLE). */
    static final KQueueIoOps READ = KQueueIoOps.newOps(EVFILT_READ, (short) (EV_ADD | EV_ENABLE), 0);
    /** Removes it (EV_DELETE | EV_DISABLE). */
    static final KQueueIoOps NO_READ = KQueueIoOps.newOps(EVFILT_READ, (short) (EV_DELETE | EV_DISABLE), 0);

    BsdTunHandle(FileDescriptor fd, String deviceName, int afInet6, TunQueueOptions options) {
        super(fd, deviceName, afInet6, options);
    }

    @Override
    public int ident() {
        return fd.intValue();
    }

    @Override
    long submitRead(IoRegistration reg) {
        return reg.submit(READ);
    }

    @Override
    void withdrawRead(IoRegistration reg) {
        reg.submit(NO_READ);
    }
}
