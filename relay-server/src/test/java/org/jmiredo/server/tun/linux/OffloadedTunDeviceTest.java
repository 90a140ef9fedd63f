package org.jmiredo.server.tun.linux;

/**
 * Every case of {@link LinuxTunDeviceTest} again on a device opened with offloads (virtio headers on every
 * read and write): plain packets must behave exactly as without them. {@link TunOffloadMode#ON}, so a kernel
 * that refused them fails here instead of quietly testing the plain device twice.
 */
class OffloadedTunDeviceTest extends LinuxTunDeviceTest {
    @Override
    TunOffloadMode offloadMode() {
        return TunOffloadMode.ON;
    }
}
