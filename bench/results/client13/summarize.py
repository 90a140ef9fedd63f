#!/usr/bin/env python3
"""Old against new table of run.sh: one row per load point (peers, size, rate), each pair of runs as a ratio.

Usage: bench/results/client13/summarize.py DIR OLD_SHA NEW_SHA (the first 12 hex digits of each jar's sha256, as
machine.txt records them). Reads every result directory in DIR (readv, read) in the order the runs started.
"""
import json
import math
import pathlib
import sys

here = pathlib.Path(__file__).resolve().parent / sys.argv[1]
old_sha, new_sha = sys.argv[2], sys.argv[3]
runs = {"old": [], "new": []}
dirs = [p for p in here.iterdir() if (p / "machine.txt").exists()]
for d in sorted(dirs, key=lambda p: (p / "machine.txt").read_text().splitlines()[0]):
    machine = (d / "machine.txt").read_text()
    side = "old" if old_sha in machine else "new" if new_sha in machine else None
    if side is None:
        continue
    load = next(l.split(": ")[1] for l in machine.splitlines() if l.startswith("loadavg"))
    points = {}
    for f in d.glob("jmiredo-p*-i2t-*.json"):
        r = json.loads(f.read_text())
        points[(r["peers"], r["size"], int(r["rate"]))] = r
    runs[side].append((d.name, load, points))

for side in ("old", "new"):
    print(side, ", ".join(f"{name} (load {load})" for name, load, _ in runs[side]))


def column(side, key, field):
    return [field(p[key]) if key in p else None for _, _, p in runs[side]]


def fmt(values, spec):
    return ", ".join("-" if v is None else format(v, spec) for v in values)


def ratios(new, old):
    pairs = [n / o for n, o in zip(new, old) if n is not None and o]
    geo = math.exp(sum(map(math.log, pairs)) / len(pairs)) if pairs else float("nan")
    return ", ".join(f"{r:.2f}" for r in pairs) + f" ({geo:.2f})"


keys = sorted({k for s in runs.values() for _, _, p in s for k in p}, key=lambda k: (k[0], k[1], k[2] == 0, k[2]))
print("| peers | size | rate | old CPU us/pkt | new CPU us/pkt | new/old per pair (geo. mean) | old dlv pkt/s"
      " | new dlv pkt/s | new/old per pair (geo. mean) | old loss % | new loss % |")
print("|---:|---:|---|---|---|---|---|---|---|---|---|")
for k in keys:
    cpu = {s: column(s, k, lambda r: r["relay_cpu_us_per_packet"]) for s in runs}
    dlv = {s: column(s, k, lambda r: r["i2t"]["delivered_pps"]) for s in runs}
    loss = {s: column(s, k, lambda r: r["i2t"]["loss_pct"]) for s in runs}
    rate = "saturation" if k[2] == 0 else f"{k[2]:,}/s"
    print(f"| {k[0]:,} | {k[1]} | {rate} | {fmt(cpu['old'], '.2f')} | {fmt(cpu['new'], '.2f')} | "
          f"{ratios(cpu['new'], cpu['old'])} | {fmt(dlv['old'], ',.0f')} | {fmt(dlv['new'], ',.0f')} | "
          f"{ratios(dlv['new'], dlv['old'])} | {fmt(loss['old'], '.2f')} | {fmt(loss['new'], '.2f')} |")
