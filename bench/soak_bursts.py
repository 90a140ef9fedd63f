#!/usr/bin/env python3
"""What coincides with the tunnel's drops in a soak (bench/soak.sh SAMPLE=1): reads DIR/samples.jsonl
(bench/soak_sampler.py; or samples.jsonl.gz) and DIR/safepoint.log, and prints

  1. the soak as a whole: packets in, read, dropped; CPU by thread; the queue's depth;
  2. every burst of drops: how the queue filled (from its last low point to the last drop), what arrived
     and what the relay read meanwhile (split into the generator's surplus over its schedule and the
     relay's deficit), and where the relay's event loop was: running, waiting for a CPU (runnable,
     descheduled), or neither (asleep), beside the generator's threads, ksoftirqd, other relay threads,
     the rest of the host (other processes, from /proc/stat) and the JVM's safepoints. The kernel
     credits a thread's wait when it gets the CPU, so over a short span "wait" can exceed 100 %;
  3. the 10-ms intervals in which the queue grew against those in which it was nearly empty.

    soak_bursts.py DIR [QUEUE_CAPACITY]

The queue's depth is estimated as packets in (veth6 rx) minus read (teredo tx) minus dropped (teredo
tx_dropped), counted from its lowest point; it includes the packets between the two devices (the
kernel's per-CPU backlog, up to net.core.netdev_max_backlog each). The capacity (txqueuelen, default:
the relay namespace's teredo qlen from DIR/kernel-before.txt) is where the drops should begin, which
checks the estimate. Without softirq time accounting in the kernel (CONFIG_IRQ_TIME_ACCOUNTING off
here) a thread's run time includes the softirq work done on its behalf.
"""
import collections
import gzip
import json
import os
import re
import sys

TICK_NS = 10_000_000  # USER_HZ = 100
LOW = 0.1  # a queue below this fraction of its capacity counts as "nearly empty"


def load(path):
    names, samples = {}, []
    opener = gzip.open if path.endswith(".gz") else open
    for line in opener(path, "rt"):
        d = json.loads(line)
        if "names" in d:
            names.update(d["names"])
        else:
            samples.append(d)
    return names, samples


def series(samples, tid):
    """Cumulative [run, wait] ns of a thread at each sample (carried forward where it was not read; before
    its first reading, that reading: an idle thread is read every 10th sample only)."""
    out, last = [], next((s["th"][tid] for s in samples if tid in s["th"]), (0, 0))
    for s in samples:
        last = s["th"].get(tid, last)
        out.append((last[0], last[1]))
    return out


def safepoints(path):
    """[(start ns, end ns, name)] on the monotonic clock (-Xlog decoration timenanos)."""
    result = []
    if not os.path.exists(path):
        return result
    pat = re.compile(r'^\[(\d+)ns\].*Safepoint "([^"]+)".*Total: (\d+) ns')
    for line in open(path):
        m = pat.search(line)
        if m:
            end, total = int(m.group(1)), int(m.group(3))
            result.append((end - total, end, m.group(2)))
    return result


def capacity(directory):
    try:
        m = re.search(r"teredo:.* qlen (\d+)", open(os.path.join(directory, "kernel-before.txt")).read())
        return int(m.group(1)) if m else 500
    except OSError:
        return 500


def soak_window(arrivals):
    """First and last interval of the paced load (more than a fifth of the busiest intervals' rate)."""
    ranked = sorted(arrivals)
    busy = ranked[int(len(ranked) * 0.9)] if ranked else 0
    active = [i for i, a in enumerate(arrivals) if a > busy / 5]
    return (active[0], active[-1]) if active else (0, len(arrivals) - 1)


def pct(part, whole):
    return 100.0 * part / whole if whole else 0.0


class Soak:
    def __init__(self, directory, cap, rate):
        plain = os.path.join(directory, "samples.jsonl")
        self.names, samples = load(plain if os.path.exists(plain) else plain + ".gz")
        self.cap = cap
        dev = [s["dev"] for s in samples]
        arrivals = [dev[i]["veth6/rx_packets"] - dev[i - 1]["veth6/rx_packets"] for i in range(1, len(dev))]
        first, last = soak_window(arrivals)
        self.s = samples[first:last + 2]  # interval i runs from sample i to sample i + 1
        d = [s["dev"] for s in self.s]
        self.t = [s["t"] for s in self.s]
        self.n = len(self.s) - 1
        delta = lambda k: [d[i + 1][k] - d[i][k] for i in range(self.n)]  # noqa: E731
        self.arr, self.read, self.drop = delta("veth6/rx_packets"), delta("teredo/tx_packets"), delta("teredo/tx_dropped")
        self.queue, q = [], 0
        for i in range(self.n):
            q += self.arr[i] - self.read[i] - self.drop[i]
            self.queue.append(q)
        # The window may open with packets queued (or read before they were counted in): the fullest
        # state is unknown, the emptiest is not, so count from the lowest point.
        floor = min(self.queue, default=0)
        self.queue = [q - floor for q in self.queue]
        self.rate = rate
        # How far the generator is behind its open-loop schedule (packets): it sends what it owes at once
        # after a stall of its own, a burst that the relay's queue takes on top of the rate.
        self.behind, sent = [], 0
        for i in range(self.n):
            sent += self.arr[i]
            self.behind.append(max(0.0, rate * (self.t[i + 1] - self.t[0]) / 1e9 - sent))
        self.threads = {tid: series(self.s, tid) for tid in self.names}
        self.loop = self.busiest("relay", "jmiredo-loop") or self.busiest("relay", "")
        self.with_cpu = [i for i in range(len(self.s)) if "cpu" in self.s[i]]
        self.safepoints = safepoints(os.path.join(directory, "safepoint.log"))

    def busiest(self, label, prefix):
        best, most = None, 0
        for tid, name in self.names.items():
            if name.startswith(f"{label}/{prefix}"):
                run = self.threads[tid][-1][0] - self.threads[tid][0][0]
                if run > most:
                    best, most = tid, run
        return best

    def ran(self, tid, a, b):
        """Run and wait ns of a thread from interval a to interval b (exclusive)."""
        s = self.threads[tid]
        return s[b][0] - s[a][0], s[b][1] - s[a][1]

    def group(self, a, b, label, prefix=""):
        return sum(self.ran(tid, a, b)[0] for tid, n in self.names.items()
                   if n.startswith(f"{label}/{prefix}") and tid != self.loop)

    def safepoint_ns(self, a, b):
        lo, hi = self.t[a], self.t[b]
        spans = [(max(s, lo), min(e, hi)) for s, e, _ in self.safepoints if e > lo and s < hi]
        return len(spans), sum(e - s for s, e in spans), max((e - s for s, e in spans), default=0)

    def cpu_span(self, a, b):
        """The samples with /proc/stat figures (every 10th) nearest around samples a and b."""
        with_cpu = self.with_cpu
        before = max((i for i in with_cpu if i <= a), default=with_cpu[0])
        after = min((i for i in with_cpu if i >= b), default=with_cpu[-1])
        return before, after

    def ticks(self, a, b, *columns):
        """/proc/stat ticks of columns (6 softirq, 7 steal) summed over CPUs, from around a to around b."""
        before, after = self.cpu_span(a, b)
        cpu0, cpu1 = self.s[before]["cpu"], self.s[after]["cpu"]
        return sum(cpu1[c][k] - cpu0[c][k] for c in cpu1 for k in columns)

    def rest(self, a, b):
        """CPU ns of everything but the relay, the generator, ksoftirqd and the sampler (other processes,
        interrupts), from /proc/stat's busy ticks (at 100-ms resolution, so widened to whole samples)."""
        before, after = self.cpu_span(a, b)
        busy = self.ticks(before, after, 0, 1, 2, 5, 6) * TICK_NS
        ours = sum(self.ran(tid, before, after)[0] for tid in self.names)
        return busy - ours, self.t[after] - self.t[before]

    def describe(self, a, b):
        """One line: rates and where the CPU went from interval a to interval b (exclusive)."""
        ns = self.t[b] - self.t[a]
        run, wait = self.ran(self.loop, a, b)
        count, sp_ns, sp_max = self.safepoint_ns(a, b)
        top = collections.Counter()
        for tid, name in self.names.items():
            if name.startswith("relay/") and tid != self.loop:
                top[name[6:]] += self.ran(tid, a, b)[0]
        others = ", ".join(f"{k} {v / 1e6:.1f}" for k, v in top.most_common(2) if v > 0)
        return (f"{ns / 1e6:7.0f} ms | in {sum(self.arr[a:b]) * 1e9 / ns / 1e3:5.0f}k/s, read "
                f"{sum(self.read[a:b]) * 1e9 / ns / 1e3:5.0f}k/s, max in {self.peak(a, b) / 1e3:4.0f}k/s"
                f" | loop run {pct(run, ns):3.0f} % wait {pct(wait, ns):3.0f} % neither {pct(ns - run - wait, ns):3.0f} %"
                f" | gen tx {pct(self.group(a, b, 'gen', 'bench-tx'), ns):3.0f} % rx "
                f"{pct(self.group(a, b, 'gen', 'bench-relay-rx'), ns):3.0f} % other "
                f"{pct(self.group(a, b, 'gen') - self.group(a, b, 'gen', 'bench-'), ns):3.0f} %"
                f" | ksoftirqd {pct(self.group(a, b, 'kernel'), ns):3.0f} % | rest {pct(*self.rest(a, b)):3.0f} %"
                f" | softirq {self.ticks(a, b, 6)},"
                f" steal {self.ticks(a, b, 7)} ticks | safepoints {count} ({sp_ns / 1e6:.2f} ms, max {sp_max / 1e6:.2f})"
                f" | relay others (ms): {others or '-'}")

    def peak(self, a, b):
        """The highest arrival rate (pkt/s) over 10 ms or more from a to b (samples can come late or early)."""
        best, j = 0.0, a
        for i in range(a, b):
            j = max(j, i + 1)
            while j < b and self.t[j] - self.t[i] < 10_000_000:
                j += 1
            best = max(best, sum(self.arr[i:j]) * 1e9 / (self.t[j] - self.t[i]))
        return best

    def account(self, a, b):
        """Packets the queue took on from interval a to b, split into what the generator sent above its
        rate (catching up after a stall of its own) and what the relay read below that rate."""
        ns = self.t[b] - self.t[a]
        nominal = self.rate * ns / 1e9
        return sum(self.arr[a:b]) - nominal, nominal - sum(self.read[a:b])

    def bursts(self):
        """[(fill start, first drop, end)] intervals; drops less than 100 ms apart are one burst, which
        starts where the queue was last near its lowest of the 2 s before its first drop (after the
        previous burst)."""
        result = []
        for i in range(self.n):
            if self.drop[i] == 0:
                continue
            if result and i - result[-1][2] <= 10:
                result[-1][2] = i + 1
                continue
            lo = max(result[-1][2] if result else 0, i - 200)
            floor = min(self.queue[lo:i + 1])
            start = max(k for k in range(lo, i + 1) if self.queue[k] <= floor + self.cap * LOW)
            result.append([start, i, i + 1])
        return result


def main():
    directory = sys.argv[1]
    cap = int(sys.argv[2]) if len(sys.argv) > 2 else capacity(directory)
    try:
        rate = json.load(open(os.path.join(directory, "soak.json")))["rate"]
    except (OSError, KeyError, ValueError):
        rate = 0
    soak = Soak(directory, cap, rate)
    n, ns = soak.n, soak.t[-1] - soak.t[0]
    print(f"soak window {ns / 1e9:.1f} s in {n} intervals of ~{ns / n / 1e6:.1f} ms; queue capacity {cap}")
    print(f"packets in {sum(soak.arr)}, read {sum(soak.read)}, dropped {sum(soak.drop)} "
          f"({pct(sum(soak.drop), sum(soak.arr)):.3f} %); queue at most {max(soak.queue)}, at the end {soak.queue[-1]}")
    print(f"event loop: {soak.names.get(soak.loop)}; the generator's rate {rate:.0f} pkt/s")
    print("CPU over the window, % of one core:")
    totals = collections.Counter()
    for tid, name in soak.names.items():
        run = soak.ran(tid, 0, n)[0]
        if run > ns / 1000:
            totals[name] += run
    for name, run in totals.most_common(12):
        print(f"  {pct(run, ns):5.1f}  {name}")
    print(f"  softirq {soak.ticks(0, n, 6)} ticks, steal {soak.ticks(0, n, 7)} ticks (10 ms each, both CPUs)")
    print(f"whole window:   {soak.describe(0, n)}")
    print(f"generator behind its schedule at most {max(soak.behind, default=0) / rate * 1e3 if rate else 0:.0f} ms"
          f" ({max(soak.behind, default=0):.0f} packets) at {rate:.0f} pkt/s")
    bursts = soak.bursts()
    print(f"bursts of drops: {len(bursts)} (drops < 100 ms apart joined);"
          f" per burst, from the queue's last low point to the last drop: packets the generator sent above"
          f" its rate (+gen) and the relay read below it (+relay)")
    total_gen = total_relay = 0
    for start, first, end in bursts:
        gen, relay = soak.account(start, end)
        total_gen, total_relay = total_gen + gen, total_relay + relay
        print(f"  at {(soak.t[first] - soak.t[0]) / 1e9:5.1f} s, {sum(soak.drop[first:end]):6d} dropped over"
              f" {(soak.t[end] - soak.t[first]) / 1e6:4.0f} ms, +gen {gen:6.0f} +relay {relay:6.0f}")
        print(f"    {soak.describe(start, end)}")
    if bursts:
        print(f"all bursts: +gen {total_gen:.0f}, +relay {total_relay:.0f} packets")
    growing = [i for i in range(1, n) if soak.queue[i] - soak.queue[i - 1] > 0 and soak.queue[i] > cap * LOW]
    low = [i for i in range(n) if soak.queue[i] < cap * LOW]
    for label, idx in (("queue growing", growing), ("queue < 10 %", low)):
        if not idx:
            continue
        iv = sum(soak.t[i + 1] - soak.t[i] for i in idx)
        run = sum(soak.ran(soak.loop, i, i + 1)[0] for i in idx)
        wait = sum(soak.ran(soak.loop, i, i + 1)[1] for i in idx)
        reads = sum(soak.read[i] for i in idx)
        arr = sum(soak.arr[i] for i in idx)
        tx = sum(soak.group(i, i + 1, "gen", "bench-tx") for i in idx)
        print(f"{label:14}: {len(idx)} intervals, in {arr * 1e9 / iv / 1e3:.0f}k/s, read {reads * 1e9 / iv / 1e3:.0f}k/s,"
              f" loop run {pct(run, iv):.0f} % wait {pct(wait, iv):.0f} % neither {pct(iv - run - wait, iv):.0f} %,"
              f" loop CPU per packet read {run / max(reads, 1) / 1e3:.2f} us, gen tx {pct(tx, iv):.0f} %")


if __name__ == "__main__":
    main()
