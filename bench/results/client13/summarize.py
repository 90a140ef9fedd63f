#!/usr/bin/env python3
"""Old against new table of run.sh: one row per load point (peers, size, rate), each pair of runs as a ratio.

Usage: bench/results/client13/summarize.py DIR OLD_SHA NEW_SHA (the first 12 hex digits of each jar's sha256, as
machine.txt records them). Reads every result directory in DIR (readv, read) in the order the runs started.
"""
import math
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
import ab_runs  # noqa: E402

here = pathlib.Path(__file__).resolve().parent / sys.argv[1]
runs = ab_runs.load(here, sys.argv[2], sys.argv[3], lambda r: (r["peers"], r["size"], int(r["rate"])))


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
