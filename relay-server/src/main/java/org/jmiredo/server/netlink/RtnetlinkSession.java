package org.jmiredo.server.netlink;

import static org.jmiredo.server.netlink.RtnetlinkConstants.NLMSG_DONE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLMSG_ERROR;

import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jmiredo.server.sys.NativeException;
import org.jmiredo.server.sys.NetlinkSocket;

/**
 * Requests over one netlink socket, one at a time: each is sent, then the replies are read until the one that
 * ends it (its acknowledgement, its answer, or the end of its dump). Replies to other sequence numbers (none
 * are expected) are skipped. Failures of the socket or the kernel's errors become one-line
 * {@link InterfaceConfigException}s naming the step.
 */
final class RtnetlinkSession implements AutoCloseable {
    /** The largest datagram a dump part takes (the kernel makes them at most 32 KiB), with room to spare. */
    private static final int RECEIVE_CAPACITY = 64 * 1024;

    private static final int REQUEST_CAPACITY = 256;

    private final NetlinkSocket socket;
    private final NetlinkMessageWriter writer = new NetlinkMessageWriter(REQUEST_CAPACITY);
    private final ByteBuffer received =
            ByteBuffer.allocateDirect(RECEIVE_CAPACITY).order(ByteOrder.nativeOrder());
    private int sequence;

    RtnetlinkSession(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** The link named {@code name}; fails with "cannot find interface X: RTNETLINK answers: No such device". */
    LinkState link(String name) throws InterfaceConfigException {
        RtnetlinkRequests.getLink(writer, ++sequence, name);
        return answer("find interface " + name, LinkState::of);
    }

    NetlinkAck setLink(int index, int mtu, int txQueueLength, int flags, int change, String step)
            throws InterfaceConfigException {
        RtnetlinkRequests.setLink(writer, ++sequence, index, mtu, txQueueLength, flags, change);
        return acknowledgement(step);
    }

    NetlinkAck address(
            int type, int flags, Inet6Address address, int prefixLength, int addressFlags, int index, String step)
            throws InterfaceConfigException {
        RtnetlinkRequests.address(writer, ++sequence, type, flags, address, prefixLength, addressFlags, index);
        return acknowledgement(step);
    }

    NetlinkAck route(int type, int flags, Inet6Address prefix, int prefixLength, int index, String step)
            throws InterfaceConfigException {
        return route(type, flags, prefix, prefixLength, index, 0, step);
    }

    /** With the route's {@code metric} (0: none, the kernel's default). */
    NetlinkAck route(int type, int flags, Inet6Address prefix, int prefixLength, int index, int metric, String step)
            throws InterfaceConfigException {
        RtnetlinkRequests.route(writer, ++sequence, type, flags, prefix, prefixLength, index, metric);
        return acknowledgement(step);
    }

    /** The route the kernel picks for {@code destination} out of interface {@code index} (0: any); empty if none. */
    Optional<RouteEntry> routeTo(Inet6Address destination, int index) throws InterfaceConfigException {
        RtnetlinkRequests.getRoute(writer, ++sequence, destination, index);
        String step = "look up the route to " + Ipv6Text.format(destination);
        NetlinkMessage reply = firstReply(step);
        return reply.type() == NLMSG_ERROR ? Optional.empty() : Optional.of(parsed(step, RouteEntry::of, reply));
    }

    /** Every IPv6 route of every table. */
    List<RouteEntry> routes() throws InterfaceConfigException {
        RtnetlinkRequests.dumpRoutes(writer, ++sequence);
        return dump("read the IPv6 routes", RouteEntry::of);
    }

    private NetlinkAck acknowledgement(String step) throws InterfaceConfigException {
        send(step);
        while (true) {
            for (NetlinkMessage message : receive(step)) {
                if (message.type() == NLMSG_ERROR) {
                    return NetlinkAck.of(message);
                }
            }
        }
    }

    private <T> T answer(String step, Function<NetlinkMessage, T> parse) throws InterfaceConfigException {
        NetlinkMessage reply = firstReply(step);
        if (reply.type() == NLMSG_ERROR) {
            throw failed(step, NetlinkAck.of(reply));
        }
        return parsed(step, parse, reply);
    }

    /** Sends the request and returns the first message that answers it (valid until the next receive). */
    private NetlinkMessage firstReply(String step) throws InterfaceConfigException {
        send(step);
        while (true) {
            List<NetlinkMessage> replies = receive(step);
            if (!replies.isEmpty()) {
                return replies.getFirst();
            }
        }
    }

    // Parsed as they come: the next datagram overwrites the buffer the messages are views of.
    private <T> List<T> dump(String step, Function<NetlinkMessage, T> parse) throws InterfaceConfigException {
        send(step);
        List<T> entries = new ArrayList<>();
        while (true) {
            for (NetlinkMessage message : receive(step)) {
                if (message.type() == NLMSG_ERROR) {
                    throw failed(step, NetlinkAck.of(message));
                }
                if (message.type() == NLMSG_DONE) {
                    // NLMSG_DONE carries the dump's own result: 0, or a negative errno if it broke off.
                    int error =
                            message.payload().limit() >= 4 ? message.payload().getInt(0) : 0;
                    if (error < 0) {
                        throw failed(step, new NetlinkAck(-error, null));
                    }
                    return entries;
                }
                entries.add(parsed(step, parse, message));
            }
        }
    }

    private static <T> T parsed(String step, Function<NetlinkMessage, T> parse, NetlinkMessage message)
            throws InterfaceConfigException {
        try {
            return parse.apply(message);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InterfaceConfigException(
                    "cannot " + step + ": the kernel's reply is malformed: " + e.getMessage(), e);
        }
    }

    private void send(String step) throws InterfaceConfigException {
        try {
            socket.send(writer.finish());
        } catch (NativeException e) {
            throw new InterfaceConfigException("cannot " + step + ": " + e.getMessage(), e);
        }
    }

    /** The messages of the next datagram that answer the current request. */
    private List<NetlinkMessage> receive(String step) throws InterfaceConfigException {
        try {
            socket.receive(received);
            List<NetlinkMessage> all = NetlinkMessage.split(received);
            all.removeIf(m -> m.sequence() != sequence);
            return all;
        } catch (NativeException | IllegalArgumentException e) {
            throw new InterfaceConfigException("cannot " + step + ": " + e.getMessage(), e);
        }
    }

    static InterfaceConfigException failed(String step, NetlinkAck ack) {
        return new InterfaceConfigException("cannot " + step + ": " + ack.describe());
    }

    @Override
    public void close() {
        socket.close();
    }
}
