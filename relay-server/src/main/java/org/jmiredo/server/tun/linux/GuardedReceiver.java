package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBuf;
import org.jmiredo.tun.TunReceiver;
import org.jmiredo.tun.offload.OffloadDrop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TUN queue's receiver, shielded: the receiver owns what it was handed even when it throws, and a bug
 * there must cost that packet only, never the loop. Loop thread only.
 */
public final class GuardedReceiver implements TunReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(TunQueueHandle.class);

    private final TunReceiver receiver;
    private final String deviceName;
    private final int index;
    private boolean failureLogged;

    public GuardedReceiver(TunReceiver receiver, String deviceName, int index) {
        this.receiver = receiver;
        this.deviceName = deviceName;
        this.index = index;
    }

    @Override
    public void packetRead(ByteBuf packet) {
        try {
            receiver.packetRead(packet);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void readComplete() {
        try {
            receiver.readComplete();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void oversizedPacketDropped() {
        try {
            receiver.oversizedPacketDropped();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void notIpv6Dropped() {
        try {
            receiver.notIpv6Dropped();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void offloadDropped(OffloadDrop reason) {
        try {
            receiver.offloadDropped(reason);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void failed(RuntimeException e) {
        if (!failureLogged) {
            failureLogged = true;
            LOG.warn("TUN receiver of {} queue {} threw (logged once)", deviceName, index, e);
        } else {
            LOG.debug("TUN receiver of {} queue {} threw", deviceName, index, e);
        }
    }
}
