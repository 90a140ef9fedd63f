package org.jmiredo.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.layout.SourceTree.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jmiredo.layout.SourceTree.Reference;
import org.jmiredo.layout.SourceTree.SourceFile;
import org.junit.jupiter.api.Test;

/**
 * relay-server's layout as STYLE.md and the README's "Layout" section give it, enforced: {@code server.sys} is
 * the only package that calls native code through FFM, and it stands on nothing else of ours; Netty's native
 * transports (epoll, kqueue) are used only by the transport and the tunnel devices; the {@code server} package
 * (main, start/stop) is the top, used by none of its sub-packages. Files under about 400 lines and methods
 * under about 60 ({@link ModuleLayoutTest}).
 */
class ServerLayoutTest extends ModuleLayoutTest {
    private static final String SERVER = "org.jmiredo.server";
    private static final String SYS = SERVER + ".sys";

    /** The packages of the README's table; a new one is added there and here. */
    private static final Set<String> PACKAGES = Set.of(
            SERVER,
            SERVER + ".config",
            SERVER + ".transport",
            SERVER + ".tun",
            SERVER + ".tun.linux",
            SERVER + ".tun.bsd",
            SYS,
            SERVER + ".netlink",
            SERVER + ".metrics");

    /** Netty's native transports, and the packages that may use them. */
    private static final List<String> NATIVE_TRANSPORTS =
            List.of("io.netty.channel.epoll", "io.netty.channel.kqueue", "io.netty.channel.unix");

    private static final List<String> NATIVE_TRANSPORT_USERS = List.of(SERVER + ".transport", SERVER + ".tun");

    @Override
    protected Map<String, String> longFiles() {
        return Map.of();
    }

    @Override
    protected Map<String, String> longMethods() {
        return Map.of(
                "org/jmiredo/server/metrics/DataPathMetrics.java:series",
                "a table, one flat case a counter (its"
                        + " name, unit and help), kept in one switch so that a counter added is named in one place");
    }

    @Test
    void everyPackageIsInTheTable() {
        assertThat(sources.files()).extracting(SourceFile::packageName).allSatisfy(pkg -> assertThat(PACKAGES)
                .contains(pkg));
    }

    @Test
    void onlySysCallsNativeCode() {
        assertThat(sources.references())
                .filteredOn(r -> within(r.target(), "java.lang.foreign") && !within(r.fromPackage(), SYS))
                .as("FFM (Linker, downcalls, MemorySegment) outside server.sys")
                .isEmpty();
    }

    @Test
    void sysStandsOnNothingOfOurs() {
        assertThat(sources.references())
                .filteredOn(r -> within(r.fromPackage(), SYS)
                        && within(r.target(), "org.jmiredo")
                        && !within(SourceTree.packageOf(r.target()), SYS))
                .as("server.sys is the bottom: plain system calls, no rules")
                .isEmpty();
    }

    @Test
    void nativeTransportsOnlyInTransportAndTunnels() {
        List<Reference> against = sources.references().stream()
                .filter(r -> NATIVE_TRANSPORTS.stream().anyMatch(t -> within(r.target(), t)))
                .filter(r -> NATIVE_TRANSPORT_USERS.stream().noneMatch(p -> within(r.fromPackage(), p)))
                .toList();
        assertThat(against)
                .as("epoll/kqueue classes outside server.transport and server.tun")
                .isEmpty();
    }

    @Test
    void theServerPackageIsTheTop() {
        assertThat(sources.references())
                .filteredOn(r -> !r.fromPackage().equals(SERVER)
                        && SourceTree.packageOf(r.target()).equals(SERVER))
                .as("a sub-package using main, the daemons or the commands")
                .isEmpty();
    }
}
