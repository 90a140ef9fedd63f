#!/usr/bin/env python3
"""One line per measured handshake of a bench/handshake.sh results directory: the first round (new peers/s),
all rounds, and the relay's cost over the whole measured call: CPU seconds (every process in the relay
namespace; for ours also the event loop and the C2 compiler threads) and CPU per trusted peer, and the
teredo interface's TX drops (the kernel's queue in front of the tunnel); and the first round of the
warm-up's own handshake (1,000 new peers primed at the generator's default rate, a short burst). Then, per
measured handshake, its cost per trusted peer: datagrams, tunnel packets, system calls, CPU by thread.
Usage: bench/handshake_summary.py bench/results/handshake-<prefix>"""
import json
import pathlib
import re
import sys


def ticks(path):
    return int(path.read_text().split()[0])


def threads(path, column=None):
    """Ticks per thread name, summed over threads of that name (the kernel cuts names to 15 characters):
    user + system, or only column 0 (user) or 1 (system). Lines are "name user system" (older runs: "name
    ticks", which count as user)."""
    out = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, *t = line.split()
            ticks = t if column is None else t[column:column + 1]
            out[name] = out.get(name, 0) + sum(int(x) for x in ticks)
    return out


def link(path, direction, column):
    """A counter of `ip -s link show`: direction "RX:" or "TX:", column 1 packets, 3 dropped; 0 if absent."""
    if not path.exists():
        return 0
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith(direction):
            return int(lines[i + 1].split()[column])
    return 0


def tx_dropped(path):
    return link(path, "TX:", 3)


def syscalls(path):
    """System call counts from a `perf stat -x,` file, by call."""
    counts = {}
    if path.exists():
        for row in path.read_text().splitlines():
            f = row.split(",")
            if len(f) > 2 and f[2].startswith("syscalls:sys_enter_") and f[0].isdigit() and int(f[0]):
                counts[f[2].removeprefix("syscalls:sys_enter_")] = int(f[0])
    return counts


def cost_per_peer(d, v, r):
    """The cost of one trusted peer over the whole measured call (all rounds): datagrams, tunnel packets,
    system calls (HS_SYSCALLS=1) and CPU by thread."""
    peers = r["primed"] or 1

    def delta(kind, direction, column):
        return link(d / f"{kind}-{v}-after.txt", direction, column) - link(d / f"{kind}-{v}-before.txt", direction, column)

    print(f"  {v}: per trusted peer ({peers} peers, {r['prime_rounds']} rounds): "
          f"UDP out {delta('udp', 'TX:', 1) / peers:.2f}, in {delta('udp', 'RX:', 1) / peers:.2f} datagrams; "
          f"indirect bubbles answered {r['bubbles'] / peers:.2f}; tunnel packets queued "
          f"{delta('teredo', 'TX:', 1) / peers:.2f}, dropped {delta('teredo', 'TX:', 3) / peers:.2f}")
    if "first_round_send_s" in r:
        # Is the generator the bottleneck? Its sender's CPU against the round's send time, its receiver's (it
        # answers every indirect bubble) and the relay's against the round's length (up to its last trust).
        print(f"    round 1: sent in {r['first_round_send_s']:.2f} s, trusted until {r['first_round_s']:.2f} s; CPU s: "
              f"generator sender {r['first_round_sender_cpu_s']:.2f}, receiver {r['first_round_receiver_cpu_s']:.2f}, "
              f"relay {r['first_round_relay_cpu_s']:.2f} (to the round's end, 2.2 s after its sends)")
    calls = syscalls(d / f"perf-{v}.csv")
    if calls:
        print("    system calls: " + ", ".join(f"{n} {c / peers:.2f}" for n, c in sorted(calls.items(), key=lambda kv: -kv[1]))
              + f"; all {sum(calls.values()) / peers:.2f}")
    def by_thread(column=None):
        tb, ta = threads(d / f"threads-{v}-before.txt", column), threads(d / f"threads-{v}-after.txt", column)
        return {n: (ta[n] - tb.get(n, 0)) / 100 * 1e6 / peers for n in ta}

    both, user, system = by_thread(), by_thread(0), by_thread(1)
    print("    CPU by thread (us, user + system): " + ", ".join(
        f"{n} {us:.1f} ({user[n]:.1f} + {system[n]:.1f})" for n, us in sorted(both.items(), key=lambda kv: -kv[1])
        if us >= 0.05))


def main(directory):
    d = pathlib.Path(directory)
    print(f"{'variant':22} {'round1':>7} {'new/s':>7} {'all':>7} {'rounds':>6} {'cpu s':>6} {'us/peer':>7} "
          f"{'loop s':>6} {'C2 s':>5} {'tx drop':>7} {'warm r1':>7}")
    for result in sorted(d.glob("*.json"), key=lambda p: p.stat().st_mtime):
        r = json.loads(result.read_text())
        v = r["label"]
        before, after = d / f"cpu-{v}-before.txt", d / f"cpu-{v}-after.txt"
        if not before.exists():
            continue
        cpu = (ticks(after) - ticks(before)) / 100
        tb, ta = threads(d / f"threads-{v}-before.txt"), threads(d / f"threads-{v}-after.txt")

        def delta(prefix):
            return sum(ta.get(n, 0) - tb.get(n, 0) for n in ta if n.startswith(prefix)) / 100

        loop, c2 = delta("jmiredo-loop"), delta("C2_Compiler")
        drops = tx_dropped(d / f"teredo-{v}-after.txt") - tx_dropped(d / f"teredo-{v}-before.txt")
        first = r["first_round_primed"]
        rate = first / r["first_round_s"] if r["first_round_s"] else 0
        per_peer = cpu / r["primed"] * 1e6 if r["primed"] else 0
        ours = re.match("jmiredo", v) is not None
        warm = (d / f"warmup-{v}.txt").read_text() if (d / f"warmup-{v}.txt").exists() else ""
        warm_first = re.search(r"first round: (\d+) peers", warm)
        print(f"{v:22} {first:7d} {rate:7.0f} {r['primed']:7d} {r['prime_rounds']:6d} {cpu:6.2f} {per_peer:7.2f} "
              f"{(f'{loop:6.2f}' if ours else '     -')} {(f'{c2:5.2f}' if ours else '    -')} {drops:7d} "
              f"{(warm_first.group(1) if warm_first else '-'):>7}")
    for result in sorted(d.glob("*.json"), key=lambda p: p.stat().st_mtime):
        r = json.loads(result.read_text())
        if (d / f"cpu-{r['label']}-before.txt").exists():
            cost_per_peer(d, r["label"], r)


if __name__ == "__main__":
    main(sys.argv[1])
