#!/usr/bin/env python3
"""The tenth iteration's closing table: ours / Miredo's at 100,000 peers, medians of the runs.
usage: summarize.py RESULTS_DIR"""
import glob, json, statistics, sys

d = sys.argv[1]
def med(label, size, direction, rate, key):
    vals = []
    for f in sorted(glob.glob(f"{d}/{label}-p100000-s{size}-{direction}-r{rate}-run*.json")):
        j = json.load(open(f))
        vals.append(j[direction][key] if key in j[direction] else j[key])
    return statistics.median(vals), vals
ceiling = {s: json.load(open(f"{d}/ceiling-{s}.json"))["t2i"]["delivered_pps"] for s in (80, 1280)}
print("| size | dir | CPU/pkt at 100,000 pkt/s, ours / Miredo (µs) | ratio | loss % ours / Miredo | delivered at saturation, ours / Miredo | ratio | ours, % of ceiling |")
print("|---:|---|---|---:|---|---|---:|---:|")
for size in (80, 1280):
    for direction in ("t2i", "i2t"):
        co, _ = med("jmiredo", size, direction, 100000, "relay_cpu_us_per_packet")
        cm, _ = med("miredo", size, direction, 100000, "relay_cpu_us_per_packet")
        lo, _ = med("jmiredo", size, direction, 100000, "loss_pct")
        lm, _ = med("miredo", size, direction, 100000, "loss_pct")
        so, _ = med("jmiredo", size, direction, 0, "delivered_pps")
        sm, _ = med("miredo", size, direction, 0, "delivered_pps")
        print(f"| {size} | {direction} | {co:.2f} / {cm:.2f} | {co/cm:.2f} | {lo:.2f} / {lm:.2f} | {so:,.0f} / {sm:,.0f} | {so/sm:.2f} | {100*so/ceiling[size]:.0f} % |")
print(f"ceiling: {ceiling[80]:,.0f} pkt/s at 80 B, {ceiling[1280]:,.0f} at 1280 B")
