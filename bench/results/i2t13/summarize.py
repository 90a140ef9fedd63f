#!/usr/bin/env python3
"""One row per soak of an out.txt of bench/results/i2t13/run.sh (or run-nice.sh): the variant, the saturation
and soak rates, loss, delivered rate, latency p50/p99, the relay's CPU per packet, the tunnel queue's drops, the
bubbles the generator answered during the soak, the drops in bursts within 1 s of 30 s (the trust lapse of
peers handshaken at the soak's start), the share of the window the event loop waited for a CPU, and the others'
CPU beside the lab; then the ratios new/old per pair, in order.
    summarize.py OUT.txt"""
import os
import re
import sys

out = sys.argv[1]
base = os.path.dirname(os.path.abspath(out))
text = open(out).read()
rows = []
for m in re.finditer(r"^##### (.+?) \d\d:\d\d:\d\d .*?^results[^:]*: (\S+)$", text, re.M | re.S):
    variant, d = m.group(1), os.path.join(base, os.path.basename(m.group(2)))
    soak = open(os.path.join(d, "soak.txt")).read()
    params = open(os.path.join(d, "params.txt")).read()
    bursts = open(os.path.join(d, "bursts.txt")).read() if os.path.exists(os.path.join(d, "bursts.txt")) else ""
    sat = int(re.search(r"saturation: (\d+)", params).group(1))
    line = re.search(r"^i2t\s+(\d+)\s+(\d+)\s+\S+\s+\S+\s+(\S+)\s+(\S+)\s+(\S+)", soak, re.M)
    offered, delivered, loss, p50, p99 = int(line.group(1)), int(line.group(2)), float(line.group(3)), float(
        line.group(4)), float(line.group(5))
    cpu = float(re.search(r"relay cpu .*?, ([\d.]+) us/packet", soak).group(1))
    drops = int(re.search(r"teredo_tx_dropped=(\d+)", soak).group(1))
    kernel = open(os.path.join(d, "kernel.txt")).read()
    answered = int(re.search(r"UdpInDatagrams \+(\d+)", kernel).group(1))
    big = max(((float(b.group(1)), int(b.group(2)), b.group(3)) for b in re.finditer(
        r"^  at\s+([\d.]+) s,\s+(\d+) dropped.*\n.*?C2 CompilerThre ([\d.]+)|^  at\s+([\d.]+) s,\s+(\d+) dropped()",
        bursts, re.M) if b.group(1)), key=lambda x: x[1], default=None)
    lapse = f"{big[1]:,} at {big[0]:.1f} s, C2 {big[2]} ms" if big else "none with C2"
    whole = re.search(r"^whole window:.*?loop run\s+(\d+) % wait\s+(\d+) %.*?rest\s+(-?\d+) %", bursts, re.M)
    rows.append(dict(v=variant, d=os.path.basename(d), sat=sat, off=offered, dlv=delivered, loss=loss, p50=p50 / 1000,
                     p99=p99 / 1000, cpu=cpu, drops=drops, ans=answered, lapse=lapse,
                     wait=whole.group(2) if whole else "?", rest=whole.group(3) if whole else "?"))
print("| run | jar | saturation pkt/s | soak pkt/s | **loss %** | delivered pkt/s | p50 / p99 ms | relay CPU µs/pkt "
      "| tunnel drops | largest burst with the relay's C2 at work | datagrams in (bubble answers) | loop waited | others' CPU |")
print("|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['d']} | {r['v']} | {r['sat']:,} | {r['off']:,} | **{r['loss']:.3f}** | {r['dlv']:,} | "
          f"{r['p50']:.1f} / {r['p99']:.1f} | {r['cpu']:.2f} | {r['drops']:,} | {r['lapse']} | {r['ans']:,} | "
          f"{r['wait']} % | {r['rest']} % |")
variants = sorted({r["v"] for r in rows})
for v in variants:
    sel = [r for r in rows if r["v"] == v]
    losses = ", ".join("%.3f" % r["loss"] for r in sel)
    mean = lambda k: sum(r[k] for r in sel) / len(sel)
    print(f"{v}: loss {losses} % (mean {mean('loss'):.3f}), CPU/pkt mean {mean('cpu'):.2f} µs, p99 mean {mean('p99'):.1f} ms")
if len(variants) == 2:
    a = [r for r in rows if r["v"] == variants[1]]  # "old" sorts after "new"
    b = [r for r in rows if r["v"] == variants[0]]
    for x, y in zip(a, b):
        print(f"pair {x['d']}/{y['d']}: {y['v']}/{x['v']} CPU/pkt {y['cpu'] / x['cpu']:.2f}, "
              f"delivered {y['dlv'] / x['dlv']:.2f}, saturation {y['sat'] / x['sat']:.2f}, loss {x['loss']:.3f} -> {y['loss']:.3f} %")
