package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.InNetns;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose secondary address was not set defaults it to the primary plus one (as Miredo); when the host
 * lacks that address the start says it was defaulted, and where the primary was set, since the operator wrote
 * no secondary-address to look for. Run in a namespace of the test's own, which has the primary only.
 */
class DefaultedSecondaryAddressTest {
    @TempDir
    Path dir;

    @Test
    void theStartSaysTheSecondaryWasDefaultedAndWhereThePrimaryWasSet() throws Exception {
        Privileges.assumeNetAdmin();
        Path file = dir.resolve("server.conf");
        Files.writeString(file, "# a server\njmiredo.server.primary-address = \"198.51.100.1\"\n");
        StringWriter err = new StringWriter();
        try (TestNetns ns = TestNetns.create()) {
            ns.ip("addr", "add", "198.51.100.1/32", "dev", "lo");
            // The host's addresses are listed on the calling thread: this one is in the namespace.
            int status = InNetns.call(
                    ns.name(),
                    () -> Main.execute(
                            new PrintWriter(new StringWriter(), true),
                            new PrintWriter(err, true),
                            "server",
                            "--config",
                            file.toString(),
                            "--metrics-listen",
                            "127.0.0.1:0"));

            assertThat(status).isEqualTo(Main.EXIT_FAILURE);
        }
        assertThat(err.toString())
                .contains(file + ":2: jmiredo.server.secondary-address is not set; defaulted to"
                        + " primary-address + 1 = 198.51.100.2, which this host does not have (its IPv4 addresses: ")
                .contains("); set it explicitly, or add it, e.g. ip addr add 198.51.100.2/32 dev eth0");
    }
}
