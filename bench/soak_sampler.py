#!/usr/bin/env python3
"""Samples, every 10 ms, what can explain a burst of loss in a soak (bench/soak.sh SAMPLE=1).

    ip netns exec RELAY_NS soak_sampler.py OUT.jsonl RELAY_NS GEN_NS [INTERVAL_MS] [MAX_SECONDS]

One JSON line per sample, with "t" = CLOCK_MONOTONIC in ns (the JVM's System.nanoTime, so -Xlog's
"timenanos" decoration lines up with it):
  "dev":  device counters of the namespace it runs in (run it with ip netns exec in the relay's), from
          /sys/class/net: {"teredo/tx_packets": n, ...} (see COUNTERS). For the TUN, tx_packets are the
          packets the relay read and tx_dropped those the kernel dropped because its queue was full;
          veth6 rx_packets are the IPv6 packets arriving to be forwarded into it.
  "cpu":  every 10th sample (its unit is a 10-ms tick anyway, and reading /proc/stat costs), per CPU
          [user, nice, system, idle, iowait, irq, softirq, steal] ticks.
  "th":   per thread that ran since the previous sample, [run_ns, runqueue_wait_ns, timeslices, last_cpu]
          (/proc/PID/task/TID/schedstat and stat): threads of the processes in the relay's namespace
          ("relay") and in the generator's ("gen"), found again every second, of ksoftirqd and of
          this sampler. Threads idle for a second are read every 10th sample only (each read costs).
          Names are given once, in a line {"names": {tid: "relay/jmiredo-loop-3-1"}}.
Files stay open and are re-read with pread, so a sample costs tens of microseconds, not a fork.
It stops after MAX_SECONDS (default 900) or when the tunnel is gone.
"""
import json
import os
import signal
import subprocess
import sys
import time

HOT = 100  # samples: a thread that ran within the last second is read every time


def open_quiet(path):
    try:
        return os.open(path, os.O_RDONLY)
    except OSError:
        return None


def pread(fd):
    try:
        return os.pread(fd, 8192, 0)
    except OSError:
        return None


class Threads:
    """The threads of a few processes, found again every second (a JVM starts threads late)."""

    def __init__(self, fixed, namespaces, out):
        self.fixed = fixed  # [(label, pid)]
        self.namespaces = namespaces  # [(label, netns name)]: every process in it
        self.out = out
        self.fds = {}  # tid -> (schedstat fd, stat fd)
        self.last = {}
        self.ran_at = {}  # tid -> the sample count when it last ran
        self.count = 0

    def rescan(self):
        names = {}
        processes = list(self.fixed)
        for label, ns in self.namespaces:
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
            processes += [(label, pid) for pid in pids if pid != str(os.getpid())]
        for label, pid in processes:
            try:
                tids = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tids:
                if tid in self.fds:
                    continue
                base = f"/proc/{pid}/task/{tid}"
                sched, stat = open_quiet(base + "/schedstat"), open_quiet(base + "/stat")
                if sched is None or stat is None:
                    continue
                self.fds[tid] = (sched, stat)
                try:
                    names[tid] = f"{label}/{open(base + '/comm').read().strip()}"
                except OSError:
                    names[tid] = f"{label}/?"
        if names:
            self.out.write(json.dumps({"names": names}) + "\n")

    def sample(self, everyone):
        """The threads that ran in the last second, or all of them when everyone is true (an idle one
        costs a read too)."""
        self.count += 1
        changed = {}
        for tid, (sched, stat) in self.fds.items():
            if not everyone and self.count - self.ran_at.get(tid, -HOT) >= HOT:
                continue
            raw = pread(sched)
            if not raw:
                continue
            run, wait, slices = (int(x) for x in raw.split())
            if self.last.get(tid) == run:
                continue
            self.last[tid] = run
            self.ran_at[tid] = self.count
            cpu = -1
            st = pread(stat)
            if st:
                cpu = int(st[st.rindex(b")") + 2:].split()[36])  # field 39, "processor"
            changed[tid] = [run, wait, slices, cpu]
        return changed


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read()
    except OSError:
        return ""


COUNTERS = ["teredo/tx_packets", "teredo/tx_dropped", "veth6/rx_packets", "veth4/tx_packets"]


def cpus(raw):
    result = {}
    for line in raw.decode().splitlines():
        if line.startswith("cpu") and line[3].isdigit():
            f = line.split()
            result[f[0]] = [int(x) for x in f[1:9]]
    return result


def main():
    out_path, relay_ns, gen_ns = sys.argv[1], sys.argv[2], sys.argv[3]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # leaves through the with below: flushed
    interval = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    limit = float(sys.argv[5]) if len(sys.argv) > 5 else 900
    softirqd = [("kernel", p) for p in os.listdir("/proc") if p.isdigit() and comm(p).startswith("ksoftirqd/")]
    fixed = [("sampler", str(os.getpid()))] + softirqd
    dev_fds = {c: os.open(f"/sys/class/net/{c.split('/')[0]}/statistics/{c.split('/')[1]}", os.O_RDONLY)
               for c in COUNTERS}
    stat_fd = os.open("/proc/stat", os.O_RDONLY)
    with open(out_path, "w") as out:
        threads = Threads(fixed, [("relay", relay_ns), ("gen", gen_ns)], out)
        threads.rescan()
        step = interval * 1_000_000
        start = time.monotonic_ns()
        due = start
        n = 0
        while time.monotonic_ns() - start < limit * 1e9:
            due += step
            now = time.monotonic_ns()
            if due > now:
                time.sleep((due - now) / 1e9)
            t = time.monotonic_ns()
            dev = {c: pread(fd) for c, fd in dev_fds.items()}
            if not all(dev.values()):
                break  # the relay and its tunnel are gone
            line = {"t": t, "dev": {c: int(v) for c, v in dev.items()}, "th": threads.sample(n % 10 == 0)}
            if n % 10 == 0:
                line["cpu"] = cpus(pread(stat_fd))
            out.write(json.dumps(line, separators=(",", ":")) + "\n")
            n += 1
            if n % 100 == 0:
                threads.rescan()
                out.flush()


if __name__ == "__main__":
    main()
