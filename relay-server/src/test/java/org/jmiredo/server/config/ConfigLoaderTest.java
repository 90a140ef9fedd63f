package org.jmiredo.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jmiredo.engine.UnknownPeerPolicy;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.transport.UdpGsoMode;
import org.jmiredo.server.tun.linux.ReceiveSteering;
import org.jmiredo.server.tun.linux.TunOffloadMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreMiredosRelayDefaultsAndValid() {
        DaemonConfig config = ConfigLoader.defaults();
        assertThat(config.relay())
                .isEqualTo(new RelayConfig(
                        RelayType.CONE, 0, 3544, 0x2001_0000, UnknownPeerPolicy.ACCEPT_MATCHING, 20_000, 5, 500));
        assertThat(config.tun())
                .isEqualTo(new TunConfig("teredo", 1280, 64, false, TunOffloadMode.OFF, 4096, ReceiveSteering.OFF));
        assertThat(config.transport())
                .isEqualTo(new TransportConfig(
                        0,
                        32,
                        64,
                        12 << 20,
                        4 << 20,
                        false,
                        UdpGsoMode.AUTO,
                        Duration.ofMinutes(10),
                        Duration.ofSeconds(5)));
        assertThat(config.peers().maxPeers()).isEqualTo(1_048_576);
        assertThat(config.peers().segments()).isEqualTo(256);
        assertThat(config.peers().idleSeconds()).isEqualTo(60);
        assertThat(config.icmp().errorsPerSecond()).isEqualTo(10);
        assertThat(config.metrics().listen()).isEqualTo(new HostPort("0.0.0.0", 9544));
        assertThat(config.metrics().maxConnections()).isEqualTo(MetricsConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(config.metrics().maxConnectionsPerSource())
                .isEqualTo(MetricsConfig.DEFAULT_MAX_CONNECTIONS_PER_SOURCE);
        assertThat(config.metrics().scrapesPerSecond())
                .isEqualTo(MetricsConfig.DEFAULT_SCRAPES_PER_SECOND)
                .isEqualTo(10);
        assertThat(config.logging()).isEqualTo(LoggingConfig.defaults());
        assertThat(config.server().configured()).isFalse();
        assertThat(config.roleDirectives()).isEmpty();
        assertThat(config.relaySettings().restricted()).isFalse();
        assertThat(config.relaySettings().prefix()).isEqualTo(0x2001_0000);
    }

    @Test
    void everyReferenceKeyHasAComment() {
        Config reference = ConfigLoader.reference();
        assertThat(reference.entrySet()).hasSizeGreaterThanOrEqualTo(25);
        for (Map.Entry<String, ConfigValue> entry : reference.entrySet()) {
            assertThat(entry.getValue().origin().comments()).as(entry.getKey()).isNotEmpty();
        }
    }

    @Test
    void fileOverridesDefaultsAndAcceptsUnitsAndSynonyms() throws Exception {
        Path file = write("relay.conf", """
                jmiredo.relay {
                  type = relay
                  bind-address = "198.51.100.3"
                  bind-port = 3545
                }
                jmiredo.transport.socket-receive-buffer = 8 MiB
                jmiredo.peers { max = 1000, segments = 16, idle-timeout = 2m }
                jmiredo.logging { format = json, level = debug, syslog-facility = local3 }
                """);
        DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file));
        assertThat(config.relay().type()).isEqualTo(RelayType.CONE);
        assertThat(config.relay().bindAddress()).isEqualTo(Ipv4.of(198, 51, 100, 3));
        assertThat(config.relay().bindPort()).isEqualTo(3545);
        assertThat(config.transport().socketReceiveBuffer()).isEqualTo(8 << 20);
        assertThat(config.peers().maxPeers()).isEqualTo(1000);
        assertThat(config.peers().idleSeconds()).isEqualTo(120);
        assertThat(config.logging().format()).isEqualTo(LogFormat.JSON);
        assertThat(config.logging().level()).isEqualTo("DEBUG");
        assertThat(config.logging().syslogFacility()).contains(SyslogFacility.LOCAL3);
        assertThat(config.sources()).isEqualTo("reference.conf < " + file);
    }

    @Test
    void badPortNamesFileLineAndKey() throws Exception {
        Path file = write("relay.conf", """
                # a comment
                jmiredo {
                  relay.bind-port = 70000
                }
                """);
        assertProblems(file, file + ":3: jmiredo.relay.bind-port: must be 1-65535, got 70000");
    }

    @Test
    void warmUpPeersAreBoundedAndZeroTurnsItOff() throws Exception {
        Path bad = write("w.conf", "jmiredo.relay.warm-up-peers = 2000000\n");
        assertProblems(bad, bad + ":1: jmiredo.relay.warm-up-peers: must be 0-1000000, got 2000000");
        Path off = write("off.conf", "jmiredo.relay.warm-up-peers = 0\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(off))
                        .relay()
                        .warmUpPeers())
                .isZero();
    }

    @Test
    void nonGlobalBindAddressIsRefused() throws Exception {
        Path file = write("a.conf", "jmiredo.relay.bind-address = \"10.1.2.3\"\n");
        assertProblems(
                file,
                file + ":1: jmiredo.relay.bind-address: must be 0.0.0.0 or a global unicast IPv4 address "
                        + "(RFC 4380 section 5.2.4), got 10.1.2.3");
    }

    @Test
    void localAddressRefreshIsOffOrAtLeastASecond() throws Exception {
        Path file = write("a.conf", "jmiredo.transport.local-address-refresh = 200ms\n");
        assertProblems(
                file, file + ":1: jmiredo.transport.local-address-refresh: must be 0 (off) or at least 1s, got 200ms");
        Path off = write("b.conf", "jmiredo.transport.local-address-refresh = 0\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(off))
                        .transport()
                        .localAddressRefresh())
                .isZero();
    }

    @Test
    void trustRenewalIsWholeSecondsUpToTwenty() throws Exception {
        Path file = write("a.conf", "jmiredo.relay.trust-renewal = 1500ms\n");
        assertProblems(file, file + ":1: jmiredo.relay.trust-renewal: must be a whole number of seconds, got 1500ms");
        Path above = write("b.conf", "jmiredo.relay.trust-renewal = 21s\n");
        assertProblems(above, above + ":1: jmiredo.relay.trust-renewal: must be 0s-20s, got 21s");
        Path off = write("c.conf", "jmiredo.relay.trust-renewal = 0s\n");
        DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none().withHocon(off));
        assertThat(config.relaySettings().trustRenewalSeconds()).isZero();
        assertThat(config.relaySettings().renewTrustAfter())
                .as("renewal off: the 30-s lapse only")
                .isEqualTo(30);
        Path ten = write("d.conf", "jmiredo.relay.trust-renewal = 10s\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(ten))
                        .relaySettings()
                        .renewTrustAfter())
                .isEqualTo(20);
    }

    @Test
    void unknownBubblesPerSecondIsANonNegativeBoundedCount() throws Exception {
        Path negative = write("a.conf", "jmiredo.relay.unknown-bubbles-per-second = -1\n");
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(negative)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .asString()
                        .startsWith(negative + ":1: jmiredo.relay.unknown-bubbles-per-second: must be"));
        Path off = write("b.conf", "jmiredo.relay.unknown-bubbles-per-second = 0\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(off))
                        .relaySettings()
                        .unknownBubblesPerSecond())
                .isZero();
        assertThat(ConfigLoader.defaults().relaySettings().unknownBubblesPerSecond())
                .isEqualTo(500);
    }

    @Test
    void bindAddressMustBeAnIpv4Literal() throws Exception {
        Path file = write("a.conf", "jmiredo.relay.bind-address = \"relay.example\"\n");
        assertProblems(
                file, file + ":1: jmiredo.relay.bind-address: must be an IPv4 address a.b.c.d, got \"relay.example\"");
    }

    @Test
    void prefixMustBeANonMulticastSlash32() throws Exception {
        Path file = write("a.conf", """
                jmiredo.relay.prefix = "2001::/48"
                """);
        assertProblems(file, file + ":1: jmiredo.relay.prefix: must be a /32 prefix, got \"2001::/48\"");
        Path multicast = write("b.conf", "jmiredo.relay.prefix = \"ff02::/32\"\n");
        assertProblems(
                multicast, multicast + ":1: jmiredo.relay.prefix: must not be multicast (ff00::/8), got \"ff02::/32\"");
        Path hostBits = write("c.conf", "jmiredo.relay.prefix = \"2001:db8::1/32\"\n");
        assertProblems(
                hostBits,
                hostBits + ":1: jmiredo.relay.prefix: has bits set after the first 32, got \"2001:db8::1/32\"");
    }

    @Test
    void unknownKeysAreErrorsWithAHint() throws Exception {
        Path file = write("typo.conf", """
                jmiredo {
                  relay {
                    bindport = 3545
                  }
                }
                something-else = 1
                """);
        assertProblems(
                file,
                file + ":3: jmiredo.relay.bindport: unknown key (did you mean jmiredo.relay.bind-port?)",
                file + ":6: something-else: unknown key");
    }

    /** A file cut short inside a section: said plainly (the parser alone spoke of a parenthesis), at its end. */
    @Test
    void aFileCutShortInsideASectionIsSaidSo() throws Exception {
        Path file = write("cut.conf", "jmiredo {\n  tun {\n    mtu = 1280\n");
        assertProblems(
                file,
                file + ":4: the file ends inside a section: a closing '}' is missing (a file cut short?)"
                        + " (expecting a close parentheses ')' here, not: end of file)");
    }

    /** A key in the wrong section is pointed to the section that has it (it was pointed to jmiredo.relay.type). */
    @Test
    void aKeyInTheWrongSectionIsPointedToItsSection() throws Exception {
        Path file = write("section.conf", """
                jmiredo {
                  relay { mtu = 1400 }
                  tun { bind-port = 3545 }
                }
                """);
        assertProblems(
                file,
                file + ":2: jmiredo.relay.mtu: unknown key (did you mean jmiredo.tun.mtu?)",
                file
                        + ":3: jmiredo.tun.bind-port: unknown key (did you mean jmiredo.client.bind-port or jmiredo.relay.bind-port?)");
    }

    @Test
    void aPerPeerQueueTooSmallForAnyPacketIsRefusedWithItsUnit() throws Exception {
        Path file = write("queue.conf", """
                jmiredo.peers.queue-bytes-per-peer = 511
                """);
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(file
                                + ":1: jmiredo.peers.queue-bytes-per-peer: must be 0 (queue nothing) or at least 512 bytes"
                                + " (about what a queue holding one IPv6 header costs), got 511 (a number without a unit is"
                                + " bytes: write 9KiB or 9216)"));
        Path small = write("small.conf", """
                jmiredo.peers.queue-bytes-per-peer = 512
                """);
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(small))
                        .peers()
                        .queueBytesPerPeer())
                .as("one header fits: a queue for small packets only is a choice")
                .isEqualTo(512);
    }

    @Test
    void everyBadValueIsReportedNotOnlyTheFirst() throws Exception {
        Path file = write("many.conf", """
                jmiredo.relay.type = client
                jmiredo.tun.name = "much-too-long-name"
                jmiredo.tun.mtu = 1000
                jmiredo.transport.udp-gro = maybe
                jmiredo.transport.socket-send-buffer = "lots"
                jmiredo.peers.segments = 100
                jmiredo.peers.idle-timeout = soon
                jmiredo.relay.unknown-peers = accept
                jmiredo.metrics.listen = "9544"
                jmiredo.logging.format = xml
                jmiredo.logging.syslog-facility = local9
                jmiredo.icmp.errors-per-second = "ten"
                jmiredo.metrics.max-connections = 0
                jmiredo.metrics.max-connections-per-source = -1
                jmiredo.metrics.scrapes-per-second = -1
                """);
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                file
                                        + ":1: jmiredo.relay.type: not a relay type: the Teredo client is `jmiredo client`, configured with jmiredo.client.* (or --miredo-conf with RelayType client); use cone, relay or restricted",
                                file + ":2: jmiredo.tun.name: must be 1-15 characters, got \"much-too-long-name\"",
                                file + ":3: jmiredo.tun.mtu: must be 1280-65535, got 1000",
                                file + ":4: jmiredo.transport.udp-gro: must be true or false, got \"maybe\"",
                                file
                                        + ":5: jmiredo.transport.socket-send-buffer: must be a size such as \"4 MiB\", got \"lots\"",
                                file + ":6: jmiredo.peers.segments: must be a power of two, got 100",
                                file
                                        + ":7: jmiredo.peers.idle-timeout: must be a duration such as \"60s\", got \"soon\"",
                                file
                                        + ":8: jmiredo.relay.unknown-peers: must be accept-matching or drop, got \"accept\"",
                                file + ":9: jmiredo.metrics.listen: must be HOST:PORT, got \"9544\"",
                                file + ":10: jmiredo.logging.format: must be text or json, got \"xml\"",
                                file
                                        + ":11: jmiredo.logging.syslog-facility: must be none or one of kern, user, mail, daemon, "
                                        + "auth, syslog, lpr, news, uucp, cron, authpriv, ftp, local0, local1, local2, local3, "
                                        + "local4, local5, local6, local7, got \"local9\"",
                                file + ":12: jmiredo.icmp.errors-per-second: must be an integer, got \"ten\"",
                                file + ":13: jmiredo.metrics.max-connections: must be 1-65536, got 0",
                                file + ":14: jmiredo.metrics.max-connections-per-source: must be 1-65536, got -1",
                                file + ":15: jmiredo.metrics.scrapes-per-second: must be 0-1000000, got -1"));
    }

    @Test
    void wrongTypesAndNullsNameTheirLine() throws Exception {
        Path file = write("types.conf", """
                jmiredo.relay.bind-port = [1, 2]
                jmiredo.tun.mtu = null
                jmiredo.peers.max = 1.5
                """);
        assertProblems(
                file,
                file + ":1: jmiredo.relay.bind-port: must be an integer, got [1,2]",
                file + ":2: jmiredo.tun.mtu: must not be null",
                file + ":3: jmiredo.peers.max: must be an integer, got 1.5");
    }

    @Test
    void syntaxErrorsNameTheLine() throws Exception {
        Path file = write("broken.conf", """
                jmiredo {
                  relay.bind-port = 3545
                  tun { name = "x"
                """);
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(file + ":4: ");
    }

    @Test
    void tunPersistentIsOffByDefaultAndABoolean() throws Exception {
        assertThat(ConfigLoader.defaults().tun().persistent()).isFalse();
        Path on = write("on.conf", "jmiredo.tun { name = tr0, persistent = true }\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(on)).tun())
                .isEqualTo(new TunConfig("tr0", 1280, 64, true, TunOffloadMode.OFF, 4096, ReceiveSteering.OFF));
        Path bad = write("bad.conf", "jmiredo.tun.persistent = maybe\n");
        assertProblems(bad, bad + ":1: jmiredo.tun.persistent: must be true or false, got \"maybe\"");
    }

    @Test
    void tunOffloadIsOffByDefaultAndOneOfThreeWords() throws Exception {
        assertThat(ConfigLoader.defaults().tun().offload()).isEqualTo(TunOffloadMode.OFF);
        Path auto = write("auto.conf", "jmiredo.tun.offload = auto\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(auto))
                        .tun()
                        .offload())
                .isEqualTo(TunOffloadMode.AUTO);
        Path on = write("on.conf", "jmiredo.tun.offload = ON\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(on))
                        .tun()
                        .offload())
                .isEqualTo(TunOffloadMode.ON);
        Path bad = write("bad.conf", "jmiredo.tun {\n  offload = yes\n}\n");
        assertProblems(bad, bad + ":2: jmiredo.tun.offload: must be auto, on or off, got \"yes\"");
    }

    @Test
    void udpGsoIsAutoOrOff() throws Exception {
        Path off = write("off.conf", "jmiredo.transport.udp-gso = OFF\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(off))
                        .transport()
                        .udpGso())
                .isEqualTo(UdpGsoMode.OFF);
        Path bad = write("bad.conf", "jmiredo.transport {\n  udp-gso = on\n}\n");
        assertProblems(bad, bad + ":2: jmiredo.transport.udp-gso: must be auto or off, got \"on\"");
    }

    @Test
    void tunTxQueueLengthIs4096ByDefaultAndBounded() throws Exception {
        assertThat(ConfigLoader.defaults().tun().txQueueLength()).isEqualTo(4096);
        Path set = write("qlen.conf", "jmiredo.tun.tx-queue-length = 8192\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(set))
                        .tun()
                        .txQueueLength())
                .isEqualTo(8192);
        Path bad = write("bad-qlen.conf", "jmiredo.tun {\n  tx-queue-length = -1\n}\n");
        assertProblems(bad, bad + ":2: jmiredo.tun.tx-queue-length: must be 0-1000000, got -1");
    }

    @Test
    void tunReceiveSteeringIsOffByDefaultAutoOrACpuList() throws Exception {
        assertThat(ConfigLoader.defaults().tun().receiveSteering()).isEqualTo(ReceiveSteering.OFF);
        Path list = write("rps.conf", "jmiredo.tun.receive-steering = \"1,3-4\"\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(list))
                        .tun()
                        .receiveSteering()
                        .label())
                .isEqualTo("1,3-4");
        Path one = write("rps1.conf", "jmiredo.tun.receive-steering = 2\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(one))
                        .tun()
                        .receiveSteering()
                        .label())
                .isEqualTo("2");
        Path auto = write("rps-auto.conf", "jmiredo.tun.receive-steering = auto\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(auto))
                        .tun()
                        .receiveSteering())
                .isEqualTo(ReceiveSteering.AUTO);
        Path bad = write("bad-rps.conf", "jmiredo.tun {\n  receive-steering = \"3-1\"\n}\n");
        assertProblems(bad, bad + ":2: jmiredo.tun.receive-steering: has the reversed range \"3-1\" in \"3-1\"");
        Path word = write("bad-rps2.conf", "jmiredo.tun.receive-steering = on\n");
        assertProblems(
                word,
                word + ":1: jmiredo.tun.receive-steering: must be off, auto or a CPU list such as \"2-7\" "
                        + "or \"0,2,4-6\", got \"on\"");
    }

    /** HOCON skips a missing include silently: a typo'd path would run the relay on the defaults. */
    @Test
    void aMissingIncludeIsRefusedAtItsLine() throws Exception {
        Path file = write("relay.conf", """
                jmiredo.relay.bind-port = 3545
                include "relay-site.cnf"
                """);
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(file + ":2: include \"relay-site.cnf\": not found")
                .hasMessageContaining("(no such file beside the file that includes it)")
                .hasMessageNotContaining("classpath"); // it pointed the operator to a class path
        Path nested = write("nested.conf", "jmiredo { include file(\"" + dir.resolve("gone.conf") + "\") }\n");
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(nested)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(nested + ":1: include \"" + dir.resolve("gone.conf") + "\": not found");
    }

    /** An include by URL: Typesafe Config hands over file:/x for file:///x, which is found on its line all the same. */
    @Test
    void aMissingUrlIncludeIsRefusedAtItsLine() throws Exception {
        Path gone = dir.resolve("gone.conf");
        Path file = write("relay.conf", "jmiredo.tun.name = teredo9\ninclude url(\"file://" + gone + "\")\n");
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(file + ":2: include \"file:" + gone + "\": not found");
    }

    /**
     * An include missing from an included file: the message names the top-level include that led to it and the
     * one that failed. It said that the file included at the top was "not found", which it was not.
     */
    @Test
    void aMissingIncludeInAnIncludedFileNamesBothIncludes() throws Exception {
        write("site.conf", "jmiredo.relay.bind-port = 3546\ninclude \"site-extra.conf\"\n");
        Path file = write("relay.conf", "jmiredo.tun.name = teredo9\ninclude \"site.conf\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(file + ":2: include \"site.conf\": include \"site-extra.conf\": not found")
                .hasMessageNotContaining("\"site.conf\": not found");
    }

    @Test
    void anExistingIncludeIsRead() throws Exception {
        write("site.conf", "jmiredo.relay.bind-port = 3546\n");
        Path file = write("relay.conf", "include \"site.conf\"\njmiredo.tun.name = teredo9\n");
        DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file));
        assertThat(config.relay().bindPort()).isEqualTo(3546);
    }

    /**
     * {@code cd /etc/jmiredo && jmiredo relay --config relay.conf}: a file named without a directory. Typesafe
     * Config finds a relative include next to the including file through the file's parent, which a bare name
     * has not, so the include beside it was "not found" (and before includes were required, silently skipped).
     */
    @Test
    void aFileNamedWithoutADirectoryFindsItsIncludesBesideIt() throws Exception {
        // The JVM's working directory is fixed; the test writes its two files there and removes them.
        Path cwd = Path.of("").toAbsolutePath();
        Path site = Files.createTempFile(cwd, "jmiredo-site-", ".conf");
        Path top = Files.createTempFile(cwd, "jmiredo-top-", ".conf");
        try {
            Files.writeString(site, "jmiredo.relay.bind-port = 3546\n");
            Files.writeString(top, "include \"" + site.getFileName() + "\"\njmiredo.tun.name = teredo9\n");
            Path bare = top.getFileName();
            assertThat(bare.getParent()).isNull();
            DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none().withHocon(bare));
            assertThat(config.relay().bindPort()).isEqualTo(3546);
            assertThat(config.tun().name()).isEqualTo("teredo9");
            // Errors name the file in the working directory.
            Files.writeString(top, "include \"" + site.getFileName() + "\"\njmiredo.tun.nam = teredo9\n");
            assertProblems(bare, "./" + bare + ":2: jmiredo.tun.nam: unknown key (did you mean jmiredo.tun.name?)");
        } finally {
            Files.deleteIfExists(top);
            Files.deleteIfExists(site);
        }
    }

    /**
     * HOCON reads a duration written without a unit as milliseconds: "idle-timeout = 60" is 60 ms, which was
     * refused as "got 0s", a value nobody wrote. The message shows the value as written and says why.
     */
    @Test
    void aDurationWithoutAUnitIsExplained() throws Exception {
        Path file =
                write("relay.conf", "jmiredo.peers.idle-timeout = 60\njmiredo.transport.local-address-refresh = 5\n");
        assertProblems(
                file,
                file + ":2: jmiredo.transport.local-address-refresh: must be 0 (off) or at least 1s, got 5 "
                        + "(milliseconds: a duration without a unit; write 5s for seconds)",
                file + ":1: jmiredo.peers.idle-timeout: must be 1s-86400s, got 60 (milliseconds: a duration without a "
                        + "unit; write 60s for seconds)");
        Path below = write("below.conf", "jmiredo.peers.idle-timeout = 500ms\n");
        assertProblems(below, below + ":1: jmiredo.peers.idle-timeout: must be 1s-86400s, got 500ms");
        Path above = write("above.conf", "jmiredo.peers.idle-timeout = 2d\n");
        assertProblems(above, above + ":1: jmiredo.peers.idle-timeout: must be 1s-86400s, got 2d");
        Path fine = write("fine.conf", "jmiredo.peers.idle-timeout = 90000\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withHocon(fine))
                        .peers()
                        .idleSeconds())
                .isEqualTo(90);
    }

    /**
     * A file written without the {@code jmiredo} root ("relay { bind-port = 3545 }", as the README's sections
     * read) had every key refused with no hint: the full key is too far from the written one for a typo.
     */
    @Test
    void aKeyWithoutTheRootIsPointedToIt() throws Exception {
        Path file = write("relay.conf", "relay {\n  bind-port = 3545\n}\ntun.nmae = teredo\n");
        assertProblems(
                file,
                file + ":2: relay.bind-port: unknown key (did you mean jmiredo.relay.bind-port?)",
                file + ":4: tun.nmae: unknown key (did you mean jmiredo.tun.name?)");
    }

    @Test
    void missingFileIsOneClearLine() {
        Path file = dir.resolve("absent.conf");
        assertProblems(file, file + ": no such file");
    }

    @Test
    void environmentOverridesTheFileAndNamesTheVariable() throws Exception {
        Path file = write("relay.conf", "jmiredo.relay.bind-port = 3545\n");
        // The layer Typesafe Config builds from CONFIG_FORCE_ variables: string values, this origin.
        Config env = ConfigFactory.parseMap(
                Map.of("jmiredo.relay.bind-port", "3546", "other.app.key", "x"), "env variables overrides");
        ConfigLoader.Sources sources =
                new ConfigLoader.Sources(Optional.of(file), Optional.empty(), env, ConfigFactory.empty());
        assertThat(ConfigLoader.load(sources).relay().bindPort()).isEqualTo(3546);

        Config bad = ConfigFactory.parseMap(Map.of("jmiredo.relay.bind-port", "70000"), "env variables overrides");
        assertThatThrownBy(() -> ConfigLoader.load(
                        new ConfigLoader.Sources(Optional.of(file), Optional.empty(), bad, ConfigFactory.empty())))
                .hasMessage("environment variable CONFIG_FORCE_jmiredo_relay_bind__port: jmiredo.relay.bind-port: "
                        + "must be 1-65535, got 70000");
    }

    @Test
    void environmentOverrideOfASectionNamesItsVariable() {
        // CONFIG_FORCE_jmiredo_relay=5: the section becomes a string; the line used to name "CONFIG_FORCE_" alone.
        Config env = ConfigFactory.parseMap(Map.of("jmiredo.relay", "5"), "env variables overrides");
        assertThatThrownBy(() -> ConfigLoader.load(
                        new ConfigLoader.Sources(Optional.empty(), Optional.empty(), env, ConfigFactory.empty())))
                .hasMessage("environment variable CONFIG_FORCE_jmiredo_relay: jmiredo.relay is a section of settings, "
                        + "not a setting: set one of its keys, e.g. CONFIG_FORCE_jmiredo_relay_bind__address");
    }

    @Test
    void theRootSetFromTheEnvironmentUnderACommandLineOptionIsOneLineAboutTheVariable() {
        // CONFIG_FORCE_jmiredo=1 with --metrics-listen: the option's one-key object hid the string, and the
        // errors were a line per section "withValue(metrics.listen): No configuration setting found for key ...".
        Config env = ConfigFactory.parseMap(Map.of("jmiredo", "1"), "env variables overrides");
        Config option = ConfigLoader.commandLineOption("jmiredo.metrics.listen", "127.0.0.1:9999", "--metrics-listen");
        assertThatThrownBy(() ->
                        ConfigLoader.load(new ConfigLoader.Sources(Optional.empty(), Optional.empty(), env, option)))
                .hasMessage("environment variable CONFIG_FORCE_jmiredo: jmiredo is a section of settings, not a "
                        + "setting: set one of its keys, e.g. CONFIG_FORCE_jmiredo_client_bind__address");
    }

    @Test
    void environmentVariableMeantForUsInAnotherCaseOrWithoutTheRootIsRefusedNotIgnored() {
        // CONFIG_FORCE_JMIREDO_RELAY_BIND__PORT, the usual spelling of a variable, and CONFIG_FORCE_relay_bind__port
        // were ignored without a word: the relay started on 3544. Another program's variable is still ignored.
        Config env = ConfigFactory.parseMap(
                Map.of("JMIREDO.RELAY.BIND-PORT", "3545", "relay.type", "restricted", "other.app.key", "x"),
                "env variables overrides");
        assertThatThrownBy(() -> ConfigLoader.load(
                        new ConfigLoader.Sources(Optional.empty(), Optional.empty(), env, ConfigFactory.empty())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("environment variable CONFIG_FORCE_JMIREDO_RELAY_BIND__PORT: not read "
                        + "(did you mean CONFIG_FORCE_jmiredo_relay_bind__port?")
                .hasMessageContaining("environment variable CONFIG_FORCE_relay_type: not read "
                        + "(did you mean CONFIG_FORCE_jmiredo_relay_type?")
                .hasMessageNotContaining("other");
    }

    @Test
    void environmentDurationWithoutAUnitIsSaidToBeMilliseconds() {
        // Environment values are strings: "60" is read as 60 ms, as "idle-timeout = 60" in a file, and says so.
        Config env = ConfigFactory.parseMap(Map.of("jmiredo.peers.idle-timeout", "60"), "env variables overrides");
        assertThatThrownBy(() -> ConfigLoader.load(
                        new ConfigLoader.Sources(Optional.empty(), Optional.empty(), env, ConfigFactory.empty())))
                .hasMessage(
                        "environment variable CONFIG_FORCE_jmiredo_peers_idle__timeout: jmiredo.peers.idle-timeout: "
                                + "must be 1s-86400s, got 60 (milliseconds: a duration without a unit; write 60s for seconds)");
    }

    @Test
    void commandLineOptionsWinAndNameTheOption() throws Exception {
        Config cli = ConfigLoader.commandLineOption("jmiredo.metrics.listen", "127.0.0.1:9999", "--metrics-listen");
        ConfigLoader.Sources sources = new ConfigLoader.Sources(
                Optional.empty(),
                Optional.empty(),
                ConfigFactory.parseMap(Map.of("jmiredo.metrics.listen", "127.0.0.1:1"), "env variables overrides"),
                cli);
        assertThat(ConfigLoader.load(sources).metrics().listen()).isEqualTo(new HostPort("127.0.0.1", 9999));

        Config bad = ConfigLoader.commandLineOption("jmiredo.metrics.listen", "[::1]:99999", "--metrics-listen");
        assertThatThrownBy(() -> ConfigLoader.load(
                        new ConfigLoader.Sources(Optional.empty(), Optional.empty(), ConfigFactory.empty(), bad)))
                .hasMessage(
                        "command-line option --metrics-listen: jmiredo.metrics.listen: port must be 0-65535, got \"99999\"");
    }

    @Test
    void miredoFileWinsOverHoconAndKeepsTheRest() throws Exception {
        Path hocon = write("relay.conf", "jmiredo { relay.bind-port = 3545, tun.mtu = 1400, peers.max = 77 }\n");
        Path miredo = write("miredo.conf", "RelayType restricted\nBindPort 3600\n");
        DaemonConfig config =
                ConfigLoader.load(ConfigLoader.Sources.none().withHocon(hocon).withMiredo(miredo));
        assertThat(config.relay().bindPort()).isEqualTo(3600);
        assertThat(config.relay().type()).isEqualTo(RelayType.RESTRICTED);
        assertThat(config.relaySettings().restricted()).isTrue();
        assertThat(config.tun().mtu()).isEqualTo(1400);
        assertThat(config.peers().maxPeers()).isEqualTo(77);
    }

    @Test
    void substitutionsFromTheEnvironmentResolve() throws Exception {
        Path file = write("subst.conf", """
                base-port = 3600
                jmiredo.relay.bind-port = ${base-port}
                """);
        // base-port is not a jmiredo key: typo protection reports it, at its line.
        assertProblems(file, file + ":1: base-port: unknown key");
    }

    @Test
    void aBadValueFromAnEnvironmentSubstitutionIsReportedWhereTheSubstitutionIsWritten() throws Exception {
        // HOCON resolves ${HOME} from the environment: the value's own origin is "env variables", which used to be
        // reported as a CONFIG_FORCE_ variable that nobody had set, and a concatenation as "merge of ...".
        String home = System.getenv("HOME");
        Path file = write("home.conf", """
                jmiredo.peers.max = ${HOME}
                jmiredo.tun.name = ${HOME}" x"
                """);
        assertProblems(
                file,
                file + ":2: jmiredo.tun.name: must not contain \"/\", \":\", white space or non-ASCII, got \"" + home
                        + " x\" (from ${HOME}\" x\")",
                file + ":1: jmiredo.peers.max: must be an integer, got \"" + home + "\" (from ${HOME})");
    }

    @Test
    void aSectionWrittenAsAValueIsOneProblemNotOnePerKeyBeneathIt() throws Exception {
        Path file = write("flat.conf", "jmiredo.peers = 5\n");
        assertProblems(
                file,
                file + ":1: jmiredo.peers is a section of settings, not a setting: set one of its keys, "
                        + "e.g. jmiredo.peers.idle-timeout");
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static void assertProblems(Path file, String... expected) {
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(expected));
    }
}
