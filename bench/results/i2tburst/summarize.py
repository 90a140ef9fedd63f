#!/usr/bin/env python3
"""The old-against-new table of run.sh: one row per load point, each pair (old run i, new run i) as a ratio.

Usage: bench/results/i2tburst/summarize.py OLD_SHA NEW_SHA (the first 12 hex digits of each jar's sha256, as
machine.txt records them); reads every result directory next to this script, in the order of their start.
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
import ab_runs  # noqa: E402

here = pathlib.Path(__file__).resolve().parent
runs = ab_runs.load(here, sys.argv[1], sys.argv[2], lambda r: (r["peers"], int(r["rate"])))
keys = sorted({k for _, _, p in runs["old"] + runs["new"] for k in p}, key=lambda k: (k[0], k[1] == 0, k[1]))
print("| peers | rate | old CPU us/pkt | new CPU us/pkt | new/old per pair | old dlv pkt/s | new dlv pkt/s"
      " | new/old per pair | old loss % | new loss % |")
print("|---:|---|---|---|---|---|---|---|---|---|")
for k in keys:
    def col(side, f):
        return [f(p[k]) if k in p else None for _, _, p in runs[side]]
    cpu = {s: col(s, lambda r: r["relay_cpu_us_per_packet"]) for s in runs}
    dlv = {s: col(s, lambda r: r["i2t"]["delivered_pps"]) for s in runs}
    loss = {s: col(s, lambda r: r["i2t"]["loss_pct"]) for s in runs}
    def fmt(values, spec):
        return ", ".join("-" if v is None else format(v, spec) for v in values)
    def ratios(m):
        return ", ".join("-" if a is None or b is None or a == 0 else f"{b / a:.2f}" for a, b in zip(m["old"], m["new"]))
    rate = "saturation" if k[1] == 0 else f"{k[1]:,}/s"
    print(f"| {k[0]:,} | {rate} | {fmt(cpu['old'], '.2f')} | {fmt(cpu['new'], '.2f')} | {ratios(cpu)} | "
          f"{fmt(dlv['old'], ',.0f')} | {fmt(dlv['new'], ',.0f')} | {ratios(dlv)} | {fmt(loss['old'], '.2f')} | "
          f"{fmt(loss['new'], '.2f')} |")
