package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.config.ServerNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server's host names looked up again off the event loop: the addresses they give, and what is logged. */
class ServerNameLookupTest {
    private static final int START = Ipv4.of(198, 51, 100, 1);
    private static final int MOVED = Ipv4.of(203, 0, 113, 7);

    private final CapturedLog logged = new CapturedLog();
    private volatile String answer = "198.51.100.1";
    private volatile Thread lookedUpOn;

    @AfterEach
    void releaseLog() {
        logged.close();
    }

    private InetAddress[] resolve(String name) throws UnknownHostException {
        lookedUpOn = Thread.currentThread();
        if (answer == null) {
            throw new UnknownHostException(name + ": Name or service not known");
        }
        return new InetAddress[] {InetAddress.ofLiteral("2001:db8::1"), InetAddress.ofLiteral(answer)};
    }

    private static int[] lookUp(ServerNameLookup lookup) throws Exception {
        CompletableFuture<int[]> found = new CompletableFuture<>();
        lookup.lookUp((primary, secondary) -> found.complete(new int[] {primary, secondary}));
        return found.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aMovedNameGivesItsNewFirstIpv4AndTheSecondaryFollowsLoggedOnceAtInfo() throws Exception {
        try (ServerNameLookup lookup =
                new ServerNameLookup(new ServerNames("teredo.example", "", true), START, START + 1, this::resolve)) {
            assertThat(lookUp(lookup)).containsExactly(START, START + 1);
            assertThat(lookedUpOn)
                    .as("off the caller's thread (the event loop)")
                    .isNotSameAs(Thread.currentThread());
            answer = "203.0.113.7";
            assertThat(lookUp(lookup)).containsExactly(MOVED, MOVED + 1);
            assertThat(lookUp(lookup)).containsExactly(MOVED, MOVED + 1);
        }
        assertThat(logged.all()).singleElement().satisfies(e -> assertThat(e.getLevel())
                .isEqualTo(Level.INFO));
        assertThat(logged.at(Level.INFO))
                .singleElement()
                .asString()
                .contains("teredo.example gives 203.0.113.7 and "
                        + "203.0.113.8 now (was 198.51.100.1 and 198.51.100.2)");
    }

    @Test
    void aFailedOrUnfitAnswerKeepsTheAddressesWarnedOnce() throws Exception {
        try (ServerNameLookup lookup = new ServerNameLookup(
                new ServerNames("teredo.example", "", false), START, Ipv4.of(198, 51, 100, 9), this::resolve)) {
            answer = null;
            assertThat(lookUp(lookup)).as("failed: nothing to change").containsExactly(0, 0);
            assertThat(lookUp(lookup)).containsExactly(0, 0);
            answer = "192.168.1.1";
            assertThat(lookUp(lookup)).as("not global unicast").containsExactly(0, 0);
            answer = "203.0.113.7";
            assertThat(lookUp(lookup))
                    .as("a configured secondary stays")
                    .containsExactly(MOVED, Ipv4.of(198, 51, 100, 9));
        }
        assertThat(logged.at(Level.WARN))
                .singleElement()
                .asString()
                .contains("Name or service not known")
                .contains("keeping 198.51.100.1");
    }
}
