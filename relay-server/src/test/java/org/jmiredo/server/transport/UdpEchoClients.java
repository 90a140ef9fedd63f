package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Sends one datagram from each of {@code n} sockets (n source ports) and checks each gets its echo. */
final class UdpEchoClients {
    private UdpEchoClients() {}

    static void roundTrip(InetSocketAddress server, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                client.setSoTimeout(10_000);
                byte[] message = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                client.send(new DatagramPacket(message, message.length, server));
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                client.receive(reply);
                assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII))
                        .isEqualTo("hello " + i);
            }
        }
    }
}
