package org.jmiredo.server.tun.bsd;

import static org.assertj.core.api.Assertions.assertThat;

import org.jmiredo.server.sys.BsdTunSyscalls;
import org.junit.jupiter.api.Test;

/** OS detection from os.name, and what each system's tunnel puts in its address-family header. */
class BsdFlavorTest {
    @Test
    void eachBsdAndMacOsIsRecognisedByItsOsName() {
        assertThat(BsdFlavor.of("FreeBSD")).contains(BsdFlavor.FREEBSD);
        assertThat(BsdFlavor.of("NetBSD")).contains(BsdFlavor.NETBSD);
        assertThat(BsdFlavor.of("OpenBSD")).contains(BsdFlavor.OPENBSD);
        assertThat(BsdFlavor.of("DragonFlyBSD")).contains(BsdFlavor.DRAGONFLY);
        assertThat(BsdFlavor.of("DragonFly")).contains(BsdFlavor.DRAGONFLY);
        assertThat(BsdFlavor.of("Mac OS X")).contains(BsdFlavor.DARWIN);
        assertThat(BsdFlavor.of("Darwin")).contains(BsdFlavor.DARWIN);
    }

    @Test
    void linuxAndTheRestAreNoBsd() {
        assertThat(BsdFlavor.of("Linux")).isEmpty();
        assertThat(BsdFlavor.of("Windows 11")).isEmpty();
        assertThat(BsdFlavor.of("SunOS")).isEmpty();
        assertThat(BsdFlavor.of(null)).isEmpty();
        assertThat(BsdFlavor.current()).as("this test runs on Linux").isEmpty();
    }

    /** AF_INET6 in each system's sys/socket.h: 28 FreeBSD and DragonFly, 24 NetBSD and OpenBSD, 30 Darwin. */
    @Test
    void theIpv6FamilyDiffersPerSystem() {
        assertThat(BsdFlavor.FREEBSD.afInet6()).isEqualTo(28);
        assertThat(BsdFlavor.DRAGONFLY.afInet6()).isEqualTo(28);
        assertThat(BsdFlavor.NETBSD.afInet6()).isEqualTo(24);
        assertThat(BsdFlavor.OPENBSD.afInet6()).isEqualTo(24);
        assertThat(BsdFlavor.DARWIN.afInet6()).isEqualTo(30);
        assertThat(BsdFlavor.AF_INET).isEqualTo(2);
    }

    @Test
    void howEachOpensItsTunnel() {
        assertThat(BsdFlavor.FREEBSD.opening()).isEqualTo(BsdFlavor.Opening.CLONING);
        assertThat(BsdFlavor.DRAGONFLY.opening()).isEqualTo(BsdFlavor.Opening.CLONING);
        assertThat(BsdFlavor.NETBSD.opening()).isEqualTo(BsdFlavor.Opening.NUMBERED);
        assertThat(BsdFlavor.OPENBSD.opening()).isEqualTo(BsdFlavor.Opening.NUMBERED);
        assertThat(BsdFlavor.DARWIN.opening()).isEqualTo(BsdFlavor.Opening.UTUN);
        assertThat(BsdFlavor.FREEBSD.renamable()).isTrue();
        assertThat(BsdFlavor.NETBSD.renamable()).isFalse();
        assertThat(BsdFlavor.DARWIN.renamable()).isFalse();
    }

    /** IFF_POINTOPOINT | IFF_MULTICAST, the mode TUNSIFMODE gets (net/if.h: 0x10 and 0x8000). */
    @Test
    void theTunnelMode() {
        assertThat(BsdFlavor.IFF_POINTOPOINT | BsdFlavor.IFF_MULTICAST).isEqualTo(0x8010);
    }

    /** struct sockaddr_ctl for utun2 (unit 3) of control id 7: length 32, AF_SYSTEM, AF_SYS_CONTROL, id, unit. */
    @Test
    void theUtunAddress() {
        byte[] address = BsdTunSyscalls.sockaddrCtl(7, 3);

        assertThat(address).hasSize(32);
        assertThat(address[0]).isEqualTo((byte) 32);
        assertThat(address[1]).as("AF_SYSTEM").isEqualTo((byte) 32);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(address).order(java.nio.ByteOrder.nativeOrder());
        assertThat(b.getShort(2)).as("AF_SYS_CONTROL").isEqualTo((short) 2);
        assertThat(b.getInt(4)).isEqualTo(7);
        assertThat(b.getInt(8)).isEqualTo(3);
        assertThat(java.util.Arrays.copyOfRange(address, 12, 32)).containsOnly((byte) 0);
    }
}
