package org.jmiredo.server.sys;

/** File descriptor calls the transport makes at set-up, outside any packet path. */
public final class Descriptors {
    private Descriptors() {}

    /**
     * A second fd for the same open file (a socket keeps working, bound, until both are closed), with
     * close-on-exec set, as fcntl(2) F_DUPFD_CLOEXEC gives it.
     *
     * @throws NativeException when the process is out of fds (EMFILE) or {@code fd} is not open (EBADF)
     */
    public static int duplicate(int fd) throws NativeException {
        int copy = Libc.dup(fd);
        if (copy < 0) {
            throw new NativeException(
                    "cannot duplicate a socket's fd; raise the open-files limit if EMFILE",
                    "fcntl F_DUPFD_CLOEXEC " + fd,
                    -copy);
        }
        return copy;
    }
}
