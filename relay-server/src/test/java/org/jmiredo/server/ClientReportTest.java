package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.engine.client.QualificationFailure;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the client daemon makes of the RA's MTU option (the tunnel's MTU), and what it logs. */
class ClientReportTest {
    @Test
    void theRasMtuGoesToTheTunnelBoundedByTunMtuAndTunMtuWithoutOne() {
        assertThat(ClientReport.tunnelMtu(0, 1400)).as("no option: tun.mtu").isEqualTo(1400);
        assertThat(ClientReport.tunnelMtu(1280, 1400)).isEqualTo(1280);
        assertThat(ClientReport.tunnelMtu(1300, 1400)).isEqualTo(1300);
        assertThat(ClientReport.tunnelMtu(9000, 1400))
                .as("the read buffers hold tun.mtu")
                .isEqualTo(1400);
    }

    @Test
    void theAddressChangeCarriesTheTunnelsMtu() {
        List<Integer> mtus = new ArrayList<>();
        int server = Ipv4.of(198, 51, 100, 1);
        ClientReport report = new ClientReport(
                new QualificationSettings(server, server + 1, Teredo.PREFIX), 1400, (address, mtu) -> mtus.add(mtu));
        long hi = TeredoAddress.hi(Teredo.PREFIX, server);
        long lo = TeredoAddress.lo(0, 40000, Ipv4.of(198, 51, 100, 20));
        report.qualified(hi, lo, 1280);
        report.qualified(hi, lo, 0);
        report.qualified(hi, lo, 65_535);
        assertThat(mtus).containsExactly(1280, 1400, 1400);
        assertThat(report.teredoAddress()).startsWith("2001:0:c633:6401:");
    }

    /** A server down for hours: one line, as Miredo's, not one every 100 s; again after a qualification. */
    @Test
    void aFailureIsLoggedOnceUntilQualifiedOrAnotherOne() {
        Logger log = (Logger) LoggerFactory.getLogger(ClientDaemon.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try {
            int server = Ipv4.of(198, 51, 100, 1);
            ClientReport report = new ClientReport(
                    new QualificationSettings(server, server + 1, Teredo.PREFIX), 1400, (address, mtu) -> {});
            report.unqualified(QualificationFailure.SERVER_LOST);
            report.unqualified(QualificationFailure.NO_REPLY);
            report.unqualified(QualificationFailure.NO_REPLY);
            report.unqualified(QualificationFailure.NO_REPLY);
            long lo = TeredoAddress.lo(0, 40000, Ipv4.of(198, 51, 100, 20));
            report.qualified(TeredoAddress.hi(Teredo.PREFIX, server), lo, 0);
            report.unqualified(QualificationFailure.NO_REPLY);
            assertThat(logged.list.stream()
                            .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                            .map(ILoggingEvent::getFormattedMessage)
                            .map(m -> m.substring(0, 24)))
                    .containsExactly(
                            "lost the Teredo server (",
                            "no reply from the Teredo",
                            "qualified: Teredo addres",
                            "no reply from the Teredo");
        } finally {
            log.detachAppender(logged);
        }
    }
}
