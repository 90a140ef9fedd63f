package org.jmiredo.server.sys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void namesKnownValuesAndNumbersTheRest() {
        assertThat(Errno.name(Errno.EPERM)).isEqualTo("EPERM");
        assertThat(Errno.name(Errno.ENOENT)).isEqualTo("ENOENT");
        assertThat(Errno.name(Errno.EBUSY)).isEqualTo("EBUSY");
        assertThat(Errno.name(Errno.ENOTTY)).isEqualTo("ENOTTY");
        assertThat(Errno.name(Errno.EMSGSIZE))
                .as("a GSO segment above the device's MTU")
                .isEqualTo("EMSGSIZE");
        assertThat(Errno.name(95)).isEqualTo("errno 95");
        assertThat(Errno.name(8)).isEqualTo("errno 8");
        assertThat(Errno.name(0)).isEqualTo("errno 0");
    }

    @Test
    void textIsTheCLibrarysAsToolsPrintIt() {
        assertThat(Errno.text(Errno.EEXIST)).isEqualTo("File exists");
        assertThat(Errno.text(Errno.ENODEV)).isEqualTo("No such device");
        assertThat(Errno.text(Errno.EPERM)).isEqualTo("Operation not permitted");
    }

    @Test
    void nativeExceptionMessageIsOneLineWithHintCallAndErrno() {
        NativeException e = new NativeException("missing CAP_NET_ADMIN: run as root", "TUNSETIFF teredo", Errno.EPERM);
        assertThat(e.getMessage()).isEqualTo("missing CAP_NET_ADMIN: run as root (TUNSETIFF teredo: EPERM)");
        assertThat(e.getMessage()).doesNotContain("\n");
        assertThat(e.errno()).isEqualTo(1);
        assertThat(e.errnoName()).isEqualTo("EPERM");
        assertThat(e.operation()).isEqualTo("TUNSETIFF teredo");
    }
}
