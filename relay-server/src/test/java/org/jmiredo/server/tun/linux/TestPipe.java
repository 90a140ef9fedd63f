package org.jmiredo.server.tun.linux;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;

/**
 * A non-blocking pipe standing in for a TUN queue's fd in the readers' tests: a write read back before the next
 * write is one read (a pipe keeps no boundaries between writes, a TUN does).
 */
final class TestPipe implements AutoCloseable {
    final FileDescriptor in;
    final FileDescriptor out;

    TestPipe() throws IOException {
        Epoll.ensureAvailability(); // loads Netty's native library, which makes the pipe
        FileDescriptor[] pipe = FileDescriptor.pipe();
        in = pipe[0];
        out = pipe[1];
    }

    @Override
    public void close() throws IOException {
        in.close();
        out.close();
    }
}
