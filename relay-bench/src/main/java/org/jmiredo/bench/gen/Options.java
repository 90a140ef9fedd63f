package org.jmiredo.bench.gen;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jmiredo.proto.Ipv4;

/** Command-line options of the load generator, {@code --key value}; see {@link #USAGE}. */
record Options(
        Direction direction,
        int relayIpv4,
        int relayPort,
        int server,
        int firstMapped,
        int peers,
        int size,
        double durationSeconds,
        double rate,
        long maxPackets,
        String genInterface,
        String nativeNetns,
        long nativeHi,
        long nativeLo,
        int sinkPort,
        String sinkNetns,
        String relayNetns,
        int sinkIpv4,
        int sinkUdpPort,
        List<Long> relayPids,
        String json,
        String label,
        double primeRate,
        double primeTimeoutSeconds,
        int batch,
        double returnRate) {

    enum Direction {
        T2I,
        I2T,
        BOTH,
        UDP_SINK;

        boolean teredoToIpv6() {
            return this == T2I || this == BOTH;
        }

        boolean ipv6ToTeredo() {
            return this == I2T || this == BOTH;
        }
    }

    static final String USAGE = """
            jmiredo-bench: Teredo load generator (issue 5). Runs in the generator namespace; opens the native
            side's sockets in --native-netns. Stops by itself after --duration or --max-packets.
              --direction t2i|i2t|both|udp-sink   (udp-sink: self-test against a plain UDP socket)
              --relay IPV4:PORT          relay's UDP address (default 198.51.100.3:3545)
              --server IPV4              Teredo server the clients embed; the generator plays it (198.51.100.1)
              --mapped-base IPV4         first mapped client IPv4 (203.0.113.16); 64000 ports each
              --peers N                  emulated clients (1)
              --size BYTES               IPv6 packet size, >= 72 (80)
              --duration SECONDS         measured load duration (5)
              --rate PPS                 offered packets/s per direction, 0 = as fast as possible (100000)
              --max-packets N            hard cap per direction (rate x duration x 1.05, at most 50M)
              --gen-if NAME              interface of the generator namespace the relay answers on (veth0)
              --native-netns NAME        namespace of the native IPv6 host (sink and IPv6 source)
              --native-addr IPV6         its address (2001:db8:6::20); --sink-port PORT (9000)
              --sink-netns NAME --sink-udp IPV4:PORT   udp-sink target (default 198.51.100.3:9999)
              --relay-pid PID[,PID...]   processes whose CPU time is the relay's
              --relay-netns NAME         relay's namespace, to report its kernel drop counters
              --prime-rate PPS (20000) --prime-timeout SECONDS (30)   bubble handshake of every peer
              --batch N                  messages per sendmmsg (32)
              --return-rate PPS          i2t only: the clients also send this many packets/s to the native
                                         host (round robin), as a TCP receiver's ACKs would (0). Each one
                                         refreshes its peer's trust, which otherwise lapses 30 s after the
                                         handshake and is renewed by queueing and bubbles (RFC 4380 §5.4.1)
              --json FILE --label TEXT   JSON result
            """;

    static Options parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value at: " + args[i]);
            }
            m.put(args[i].substring(2), args[++i]);
        }
        String[] relay = m.getOrDefault("relay", "198.51.100.3:3545").split(":");
        String[] sink = m.getOrDefault("sink-udp", "198.51.100.3:9999").split(":");
        double duration = Double.parseDouble(m.getOrDefault("duration", "5"));
        double rate = Double.parseDouble(m.getOrDefault("rate", "100000"));
        long cap = rate > 0 ? Math.min(50_000_000L, (long) (rate * duration * 1.05) + 64) : 50_000_000L;
        byte[] nat = ipv6(m.getOrDefault("native-addr", "2001:db8:6::20"));
        List<Long> pids = new ArrayList<>();
        for (String p : m.getOrDefault("relay-pid", "").split(",")) {
            if (!p.isBlank()) {
                pids.add(Long.parseLong(p.trim()));
            }
        }
        Options o = new Options(
                Direction.valueOf(
                        m.getOrDefault("direction", "t2i").toUpperCase().replace('-', '_')),
                ipv4(relay[0]),
                Integer.parseInt(relay[1]),
                ipv4(m.getOrDefault("server", "198.51.100.1")),
                ipv4(m.getOrDefault("mapped-base", "203.0.113.16")),
                Integer.parseInt(m.getOrDefault("peers", "1")),
                Integer.parseInt(m.getOrDefault("size", "80")),
                duration,
                rate,
                Long.parseLong(m.getOrDefault("max-packets", Long.toString(cap))),
                m.getOrDefault("gen-if", "veth0"),
                m.get("native-netns"),
                longAt(nat, 0),
                longAt(nat, 8),
                Integer.parseInt(m.getOrDefault("sink-port", "9000")),
                m.get("sink-netns"),
                m.get("relay-netns"),
                ipv4(sink[0]),
                Integer.parseInt(sink[1]),
                pids,
                m.get("json"),
                m.getOrDefault("label", ""),
                Double.parseDouble(m.getOrDefault("prime-rate", "20000")),
                Double.parseDouble(m.getOrDefault("prime-timeout", "30")),
                Integer.parseInt(m.getOrDefault("batch", "32")),
                Double.parseDouble(m.getOrDefault("return-rate", "0")));
        return o.check();
    }

    private Options check() {
        if (peers < 1 || peers > 16_000_000) {
            throw new IllegalArgumentException("--peers must be 1..16000000");
        }
        if (size < Wire.MIN_IPV6 || size > 1500) {
            throw new IllegalArgumentException("--size must be " + Wire.MIN_IPV6 + "..1500");
        }
        if (batch < 1 || batch > 1024) {
            throw new IllegalArgumentException("--batch must be 1..1024");
        }
        if (returnRate < 0 || returnRate > 0 && direction != Direction.I2T) {
            throw new IllegalArgumentException("--return-rate must be >= 0, and is for --direction i2t only");
        }
        if (durationSeconds <= 0 || durationSeconds > 600) {
            throw new IllegalArgumentException("--duration must be in (0, 600] seconds: load is bounded");
        }
        return this;
    }

    static int ipv4(String text) {
        try {
            return Ipv4.of(InetAddress.getByName(text).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
    }

    static byte[] ipv6(String text) {
        try {
            InetAddress a = InetAddress.getByName(text);
            if (!(a instanceof Inet6Address)) {
                throw new IllegalArgumentException("not an IPv6 address: " + text);
            }
            return a.getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: " + text);
        }
    }

    static long longAt(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = v << 8 | (b[i] & 0xFF);
        }
        return v;
    }
}
