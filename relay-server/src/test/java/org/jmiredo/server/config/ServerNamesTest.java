package org.jmiredo.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jmiredo.proto.Ipv4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host names a client's miredo.conf gave its server as, kept for the lookups after a failed round. */
class ServerNamesTest {
    private static final Map<String, String> HOSTS =
            Map.of("teredo.example", "203.0.113.7", "teredo2.example", "203.0.113.9");

    @TempDir
    Path dir;

    private DaemonConfig load(String miredoConf, String... commandLine) throws Exception {
        Path file = dir.resolve("miredo.conf");
        Files.writeString(file, miredoConf);
        ConfigLoader.Sources sources = ConfigLoader.Sources.none().withMiredo(file);
        if (commandLine.length > 0) {
            sources = new ConfigLoader.Sources(
                    sources.hocon(),
                    sources.miredo(),
                    sources.environment(),
                    ConfigLoader.commandLineOption(
                            "jmiredo.client.server-address", commandLine[0], "--server-address"));
        }
        return ConfigLoader.load(sources, ServerNamesTest::resolve);
    }

    private static InetAddress[] resolve(String name) throws UnknownHostException {
        String address = HOSTS.get(name);
        if (address == null) {
            throw new UnknownHostException(name);
        }
        return new InetAddress[] {InetAddress.ofLiteral(address)};
    }

    @Test
    void aServerAddressNameIsKeptAndTheSecondaryFollowsThePrimary() throws Exception {
        ClientRoleConfig client = load("ServerAddress teredo.example\n").client();
        assertThat(client.serverAddress()).isEqualTo(Ipv4.of(203, 0, 113, 7));
        assertThat(client.serverNames()).isEqualTo(new ServerNames("teredo.example", "", true));
    }

    @Test
    void bothNamesAreKept() throws Exception {
        ClientRoleConfig client = load("ServerAddress teredo.example\nServerAddress2 teredo2.example\n")
                .client();
        assertThat(client.serverNames()).isEqualTo(new ServerNames("teredo.example", "teredo2.example", false));
    }

    @Test
    void addressesHaveNoNames() throws Exception {
        assertThat(load("ServerAddress 203.0.113.7\n").client().serverNames()).isEqualTo(ServerNames.NONE);
        assertThat(load("ServerAddress 203.0.113.7\nServerAddress2 teredo2.example\n")
                        .client()
                        .serverNames())
                .isEqualTo(new ServerNames("", "teredo2.example", false));
    }

    @Test
    void anAddressOnTheCommandLineWinsOverTheFilesNameEvenWhenTheNameGaveIt() throws Exception {
        ClientRoleConfig client =
                load("ServerAddress teredo.example\n", "203.0.113.7").client();
        assertThat(client.serverAddress()).isEqualTo(Ipv4.of(203, 0, 113, 7));
        assertThat(client.serverNames()).isEqualTo(ServerNames.NONE);
    }
}
