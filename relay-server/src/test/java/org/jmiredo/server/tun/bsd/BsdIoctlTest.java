package org.jmiredo.server.tun.bsd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The request numbers, computed from the headers' macro definitions, against the values those definitions give
 * (as printed by the systems' own C compilers, and as other tunnels written for them spell them).
 */
class BsdIoctlTest {
    @Test
    void freeBsdTunnelRequests() {
        assertThat(BsdFlavor.FREEBSD.tunSetHead())
                .as("TUNSIFHEAD _IOW('t', 96, int)")
                .isEqualTo(0x80047460L);
        assertThat(BsdFlavor.FREEBSD.tunSetMode())
                .as("TUNSIFMODE _IOW('t', 94, int)")
                .isEqualTo(0x8004745eL);
        assertThat(BsdFlavor.FREEBSD.tunGetName())
                .as("TUNGIFNAME _IOR('t', 93, struct ifreq)")
                .isEqualTo(0x4020745dL);
    }

    @Test
    void dragonFlyNamesItsTunnelWithAnotherRequest() {
        assertThat(BsdFlavor.DRAGONFLY.tunSetHead()).isEqualTo(0x80047460L);
        assertThat(BsdFlavor.DRAGONFLY.tunSetMode()).isEqualTo(0x8004745eL);
        assertThat(BsdFlavor.DRAGONFLY.tunGetName())
                .as("TUNGIFNAME _IOR('t', 98, struct ifreq)")
                .isEqualTo(0x40207462L);
    }

    @Test
    void netBsdNumbersItsTunnelRequestsItsOwnWay() {
        assertThat(BsdFlavor.NETBSD.tunSetHead())
                .as("TUNSIFHEAD _IOW('t', 66, int)")
                .isEqualTo(0x80047442L);
        assertThat(BsdFlavor.NETBSD.tunSetMode())
                .as("TUNSIFMODE _IOW('t', 88, int)")
                .isEqualTo(0x80047458L);
    }

    @Test
    void openBsdAndMacOsNeedNoHeaderRequest() {
        assertThat(BsdFlavor.OPENBSD.tunSetHead()).isZero();
        assertThat(BsdFlavor.DARWIN.tunSetHead()).isZero();
        assertThat(BsdFlavor.DARWIN.tunSetMode()).isZero();
    }

    @Test
    void sharedRequests() {
        assertThat(BsdIoctl.FIONBIO).as("FIONBIO _IOW('f', 126, int)").isEqualTo(0x8004667eL);
        assertThat(BsdIoctl.FIOCLEX).as("FIOCLEX _IO('f', 1)").isEqualTo(0x20006601L);
        assertThat(BsdIoctl.CTLIOCGINFO)
                .as("CTLIOCGINFO _IOWR('N', 3, struct ctl_info)")
                .isEqualTo(0xc0644e03L);
    }

    @Test
    void theLengthIsMaskedToThirteenBits() {
        assertThat(BsdIoctl.iow('x', 1, 0x2000 + 4)).isEqualTo(BsdIoctl.iow('x', 1, 4));
    }
}
