package org.jmiredo.bench.gen;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmiredo.bench.sys.Libc;
import org.jmiredo.bench.sys.NetNs;

/**
 * One bounded generator run: open the sockets, prime every peer through the real bubble handshake, offer
 * the load for the duration, let the last packets drain, and report. Everything it opens it closes,
 * and every thread it starts ends, also on failure.
 */
public final class Bench {
    static final int PEER_PORT = 9001;
    static final long DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Options o;
    private final Peers peers;
    private final List<Integer> fds = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Receiver> receivers = new ArrayList<>();

    Bench(Options o) {
        this.o = o;
        this.peers = new Peers(o.peers(), o.server(), o.firstMapped());
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (RuntimeException e) {
            System.err.println("jmiredo-bench: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        Result r = new Bench(o).run();
        System.out.print(r.table());
        if (o.json() != null) {
            r.writeJson(o.json());
        }
    }

    Result run() throws InterruptedException, IOException {
        try {
            return o.direction() == Options.Direction.UDP_SINK ? runSinkTest() : runRelay();
        } finally {
            for (Receiver r : receivers) {
                r.stop();
            }
            for (Thread t : threads) {
                t.join(2_000);
            }
            for (int fd : fds) {
                Libc.close(fd);
            }
        }
    }

    private int keep(int fd) {
        fds.add(fd);
        return fd;
    }

    private <R extends Receiver> R start(R receiver, String name) {
        receivers.add(receiver);
        Thread t = Thread.ofPlatform().name(name).daemon().start(receiver);
        threads.add(t);
        return receiver;
    }

    /** The self-test: the same raw sender straight to a plain UDP socket in another namespace. */
    private Result runSinkTest() throws InterruptedException {
        int raw = keep(TeredoSender.openRaw());
        int sinkFd = keep(NetNs.in(o.sinkNetns(), () -> SinkReceiver.openIpv4(o.sinkIpv4(), o.sinkUdpPort())));
        SinkReceiver sink = start(new SinkReceiver(sinkFd, Wire.IPV6_HEADER + Wire.UDP_HEADER), "bench-sink");
        TeredoSender s = teredoSender(raw, o.sinkIpv4(), o.sinkUdpPort());
        Result r = new Result(o);
        measure(r, List.of(s));
        r.t2i = new Result.Direction(s, sink.delivery);
        return r;
    }

    private Result runRelay() throws InterruptedException {
        int raw = keep(TeredoSender.openRaw());
        int replyRaw = keep(TeredoSender.openRaw());
        int packetFd = keep(RelayReceiver.openPacket(o.genInterface()));
        RelayReceiver relayRx = start(new RelayReceiver(packetFd, replyRaw, peers), "bench-relay-rx");
        Thread relayRxThread = threads.getLast();
        int source = keep(NetNs.in(o.nativeNetns(), () -> NativeSender.open(o.nativeHi(), o.nativeLo(), 0, 0)));
        int sinkFd = keep(
                NetNs.in(o.nativeNetns(), () -> NativeSender.open(o.nativeHi(), o.nativeLo(), o.sinkPort(), 32 << 20)));
        SinkReceiver sink = start(new SinkReceiver(sinkFd, 0), "bench-sink");
        Result r = new Result(o);
        prime(relayRx, relayRxThread, source, r);
        List<BatchSender> senders = new ArrayList<>();
        TeredoSender t2i = o.direction().teredoToIpv6()
                ? teredoSender(raw, o.relayIpv4(), o.relayPort())
                : o.returnRate() > 0 ? returnSender(raw) : null;
        NativeSender i2t = o.direction().ipv6ToTeredo()
                ? new NativeSender(
                        source,
                        o.batch(),
                        peers,
                        PEER_PORT,
                        o.size(),
                        Wire.MAGIC_DATA,
                        PeerOrder.roundRobin(o.peers()),
                        o.maxPackets(),
                        o.rate(),
                        durationNanos())
                : null;
        if (t2i != null) {
            senders.add(t2i);
        }
        if (i2t != null) {
            senders.add(i2t);
        }
        measure(r, senders);
        if (t2i != null) {
            r.t2i = new Result.Direction(t2i, sink.delivery);
        }
        if (i2t != null) {
            r.i2t = new Result.Direction(i2t, relayRx.delivery);
        }
        r.bubbles = relayRx.bubbles;
        r.bubbleReplyErrors = relayRx.bubbleReplyErrors;
        return r;
    }

    private long durationNanos() {
        return (long) (o.durationSeconds() * 1e9);
    }

    private TeredoSender teredoSender(int raw, int dstIpv4, int dstPort) {
        return teredoSender(raw, dstIpv4, dstPort, o.maxPackets(), o.rate());
    }

    /** The i2t clients' own packets to the native host (--return-rate), through the relay as t2i. */
    private TeredoSender returnSender(int raw) {
        long count = (long) (o.returnRate() * o.durationSeconds() * 1.05) + 64;
        return teredoSender(raw, o.relayIpv4(), o.relayPort(), count, o.returnRate());
    }

    private TeredoSender teredoSender(int raw, int dstIpv4, int dstPort, long count, double rate) {
        return new TeredoSender(
                raw,
                o.batch(),
                peers,
                dstIpv4,
                dstPort,
                o.nativeHi(),
                o.nativeLo(),
                o.sinkPort(),
                o.size(),
                PeerOrder.roundRobin(o.peers()),
                count,
                rate,
                durationNanos());
    }

    /**
     * The handshake of every peer (RFC 4380 §5.4.1): the native host sends one packet to each unprimed
     * peer; the relay queues it and bubbles through the server (us); we answer as the client; the relay
     * trusts the peer and releases the queued packet, which marks the peer primed. Rounds repeat for the
     * stragglers, 2.2 s apart (relays space their bubbles to one peer by 2 s).
     */
    private void prime(RelayReceiver rx, Thread rxThread, int source, Result r) throws InterruptedException {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long senderCpu0 = cpu.getCurrentThreadCpuTime();
        long rxCpu0 = cpu.getThreadCpuTime(rxThread.threadId());
        long relayCpu0 = CpuTime.ticks(o.relayPids());
        long start = System.nanoTime();
        long deadline = start + (long) (o.primeTimeoutSeconds() * 1e9);
        long lastProgress = start;
        for (int round = 0; round < 10 && rx.primedCount < o.peers() && System.nanoTime() < deadline; round++) {
            int[] todo = unprimed(rx);
            NativeSender p = new NativeSender(
                    source,
                    o.batch(),
                    peers,
                    PEER_PORT,
                    Wire.MIN_IPV6,
                    Wire.MAGIC_PRIME,
                    PeerOrder.of(todo),
                    todo.length,
                    o.primeRate(),
                    deadline - System.nanoTime());
            long before = rx.primedCount;
            long sendStart = System.nanoTime();
            p.run();
            p.vec.close();
            if (round == 0) {
                r.firstRoundSendSeconds = (System.nanoTime() - sendStart) / 1e9;
            }
            long waitUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_200);
            long seen = rx.primedCount;
            if (seen != before) {
                lastProgress = System.nanoTime();
            }
            while (rx.primedCount < o.peers() && System.nanoTime() < Math.min(waitUntil, deadline)) {
                Thread.sleep(20);
                if (rx.primedCount != seen) {
                    seen = rx.primedCount;
                    lastProgress = System.nanoTime();
                }
            }
            r.primeRounds = round + 1;
            if (round == 0) {
                // The first round alone is the handshake rate: later rounds wait out the relays' 2-s bubble spacing.
                r.firstRoundPrimed = rx.primedCount;
                r.firstRoundSeconds = (lastProgress - start) / 1e9;
                // Who was busy in it: the generator's sender (this thread) and its receiver, which answers
                // every indirect bubble, against the relay; a generator thread near 100 % of the round
                // would make the rate the generator's, not the relay's.
                r.firstRoundSenderCpuSeconds = (cpu.getCurrentThreadCpuTime() - senderCpu0) / 1e9;
                r.firstRoundReceiverCpuSeconds = (cpu.getThreadCpuTime(rxThread.threadId()) - rxCpu0) / 1e9;
                r.firstRoundRelayCpuSeconds = (CpuTime.ticks(o.relayPids()) - relayCpu0) / CpuTime.TICKS_PER_SECOND;
            }
        }
        r.primed = rx.primedCount;
        r.primeSeconds = (lastProgress - start) / 1e9;
    }

    private int[] unprimed(RelayReceiver rx) {
        int[] todo = new int[o.peers()];
        int n = 0;
        for (int i = 0; i < o.peers(); i++) {
            if (!rx.isPrimed(i)) {
                todo[n++] = i;
            }
        }
        return Arrays.copyOf(todo, n);
    }

    /** Runs the senders side by side, waits for the drain, and takes CPU times around it all. */
    private void measure(Result r, List<BatchSender> senders) throws InterruptedException {
        var relayDrops0 = KernelDrops.read(o.relayNetns());
        var nativeDrops0 = KernelDrops.read(o.nativeNetns());
        long softnet0 = KernelDrops.softnetDropped();
        long relay0 = CpuTime.ticks(o.relayPids());
        long self0 = CpuTime.ticks("self");
        var machine0 = MachineCpu.read();
        long t0 = System.nanoTime();
        List<Thread> running = new ArrayList<>();
        for (BatchSender s : senders) {
            running.add(Thread.ofPlatform().name("bench-tx").start(s));
        }
        for (Thread t : running) {
            t.join();
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(DRAIN_NANOS));
        long t1 = System.nanoTime();
        r.relayCpuSeconds = (CpuTime.ticks(o.relayPids()) - relay0) / CpuTime.TICKS_PER_SECOND;
        r.generatorCpuSeconds = (CpuTime.ticks("self") - self0) / CpuTime.TICKS_PER_SECOND;
        var machine1 = MachineCpu.read();
        r.cpuBusySeconds = MachineCpu.seconds(machine0.busy(), machine1.busy());
        r.cpuInterruptSeconds = MachineCpu.seconds(machine0.interrupt(), machine1.interrupt());
        r.wallSeconds = (t1 - t0) / 1e9;
        r.relayRssBytes = CpuTime.rssBytes(o.relayPids());
        r.relayDrops = KernelDrops.delta(relayDrops0, KernelDrops.read(o.relayNetns()));
        r.nativeDrops = KernelDrops.delta(nativeDrops0, KernelDrops.read(o.nativeNetns()));
        r.softnetDropped = KernelDrops.softnetDropped() - softnet0;
        for (BatchSender s : senders) {
            s.vec.close();
        }
        for (Receiver rc : receivers) {
            rc.stop();
        }
        for (Thread t : threads) {
            t.join(2_000);
        }
        for (Receiver rc : receivers) {
            if (rc.failure != null) {
                throw new IllegalStateException("receiver failed", rc.failure);
            }
        }
    }
}
