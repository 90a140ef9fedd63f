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
 * relay-pipeline's layout as STYLE.md and the README's "Layout" section give it, enforced: the package table
 * (dependencies point one way, {@code proto ← peer ← engine ← pipeline}), a portable module (no epoll or kqueue,
 * no native call but the one allowed below), files under about 400 lines and methods under about 60
 * ({@link ModuleLayoutTest}). Where the code differs from the table for a reason, the difference is an explicit
 * edge below with that reason; anything else fails.
 */
class PipelineLayoutTest extends ModuleLayoutTest {
    private static final String ROOT = "org.jmiredo.";

    /** The table: each top-level package and those it may use (its sub-packages belong to it). */
    private static final Map<String, Set<String>> MAY_USE = Map.of(
            "proto", Set.of(),
            "peer", Set.of("proto"),
            "engine", Set.of("proto", "peer"),
            "pipeline", Set.of("engine", "peer", "proto", "tun"),
            "tun", Set.of(),
            "metrics", Set.of());

    /** Edges the table does not list, each kept for the reason given: from a package (and below) to a package. */
    private static final List<Edge> ALLOWED = List.of(
            new Edge(
                    "proto",
                    "org.jmiredo.metrics",
                    "TeredoHeaders.parse answers with the DropReason the caller"
                            + " counts, so a refusal is named once, where the header is read"),
            new Edge(
                    "engine",
                    "org.jmiredo.metrics",
                    "metrics holds the data path's counters: the rules count every"
                            + " drop by reason and every packet they send"),
            new Edge(
                    "pipeline",
                    "org.jmiredo.metrics",
                    "the handlers count what they read, write and drop, one" + " DataPathCounters per loop"),
            new Edge(
                    "tun.offload",
                    "org.jmiredo.proto",
                    "splitting and coalescing TCP super-packets reads IPv6 and"
                            + " TCP headers at proto's offsets and fixes their checksums with proto's Checksum"),
            new Edge(
                    "peer",
                    "java.lang.foreign",
                    "STYLE item 4: the peer table's slots live in a MemorySegment off" + " the heap"),
            new Edge(
                    "peer.SlotMemory",
                    "java.lang.foreign.Linker",
                    "the slots' mapping is mmap'd and madvise'd"
                            + " (MADV_HUGEPAGE) itself: ZGC's heap gets no huge pages where shmem_enabled is never"
                            + " (BENCHMARKS.md \"Peer table lookups under ZGC\"); BSD flags included, so still portable"));

    /** Outside names no package of this module may use unless an edge above allows it. */
    private static final List<String> FORBIDDEN = List.of(
            "java.lang.foreign", // portable: native code lives in relay-server's server.sys
            "io.netty.channel.epoll",
            "io.netty.channel.kqueue",
            "io.netty.channel.unix",
            "org.jmiredo.server");

    /** Netty's transport (channels, handlers, loops) belongs to pipeline alone. */
    private static final List<String> TRANSPORT = List.of("io.netty.channel", "io.netty.bootstrap");

    @Override
    protected Map<String, String> longFiles() {
        return Map.of();
    }

    @Override
    protected Map<String, String> longMethods() {
        return Map.of(
                "org/jmiredo/engine/Reception.java:data",
                "a data packet's rules in RFC 4380 §5.4.2's order, once per"
                        + " datagram: the hot path, flat (early returns); 61 lines since served18 and reflect18, 65"
                        + " formatted; to split if it grows (engine/ was not ours to edit this round)");
    }

    @Test
    void everyPackageIsInTheTable() {
        assertThat(sources.files())
                .extracting(SourceFile::packageName)
                .allSatisfy(pkg -> assertThat(MAY_USE).as(pkg).containsKey(layer(pkg)));
    }

    @Test
    void dependenciesFollowTheTable() {
        List<Reference> against = sources.references().stream()
                .filter(r -> r.target().startsWith(ROOT))
                .filter(r -> !layer(r.fromPackage()).equals(layer(SourceTree.packageOf(r.target()))))
                .filter(r -> !MAY_USE.get(layer(r.fromPackage())).contains(layer(SourceTree.packageOf(r.target()))))
                .filter(r -> !allowed(r))
                .toList();
        assertThat(against).as("imports against STYLE.md's package table").isEmpty();
    }

    @Test
    void portableAndTransportOnlyInPipeline() {
        List<Reference> against = sources.references().stream()
                .filter(r -> FORBIDDEN.stream().anyMatch(f -> within(r.target(), f))
                        || TRANSPORT.stream().anyMatch(t -> within(r.target(), t))
                                && !layer(r.fromPackage()).equals("pipeline"))
                .filter(r -> !allowed(r))
                .toList();
        assertThat(against)
                .as("native, epoll/kqueue or transport classes outside their place")
                .isEmpty();
    }

    @Test
    void everyAllowedEdgeIsStillUsed() {
        assertThat(ALLOWED).allSatisfy(edge -> assertThat(sources.references())
                .as("no longer used, remove it: " + edge)
                .anySatisfy(r -> assertThat(edge.allows(r)).isTrue()));
    }

    private static boolean allowed(Reference r) {
        return ALLOWED.stream().anyMatch(edge -> edge.allows(r));
    }

    /** The top-level package of this module that {@code pkg} belongs to ({@code engine} for {@code engine.client}). */
    private static String layer(String pkg) {
        String rest = pkg.startsWith(ROOT) ? pkg.substring(ROOT.length()) : pkg;
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /**
     * An edge the table does not list: from {@code from} (a package or a type under {@code org.jmiredo}, and
     * everything below it) to names within {@code to}.
     */
    record Edge(String from, String to, String reason) {
        boolean allows(Reference r) {
            return SourceTree.from(r, ROOT + from) && within(r.target(), to);
        }
    }
}
