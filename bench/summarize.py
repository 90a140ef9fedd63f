#!/usr/bin/env python3
"""Summarizes a compare.sh result directory as Markdown: medians over runs, ours/Miredo ratios."""
import json
import pathlib
import statistics
import sys


def load(out):
    points, ceilings = {}, {}
    for f in sorted(out.glob("*.json")):
        r = json.loads(f.read_text())
        if f.name.startswith("ceiling-"):
            ceilings[r["size"]] = r["t2i"]
            continue
        d = r.get(r["direction"])
        key = (r["peers"], r["size"], r["direction"], r["rate"])
        points.setdefault(key, {}).setdefault(r["label"], []).append((r, d))
    return points, ceilings


def med(values):
    return statistics.median(values) if values else float("nan")


def fmt(v, digits=0):
    return "n/a" if v != v else f"{v:,.{digits}f}"


def main():
    out = pathlib.Path(sys.argv[1])
    points, ceilings = load(out)
    print(f"Results of `{out.name}` (medians over runs).\n")
    print((out / "machine.txt").read_text().strip().replace("\n", "  \n"), "\n")
    print("Generator ceiling (raw sender to a plain UDP socket, no relay):\n")
    print("| size | offered pkt/s | delivered pkt/s | Mbit/s | loss % |")
    print("|---:|---:|---:|---:|---:|")
    for size, c in sorted(ceilings.items()):
        print(f"| {size} | {fmt(c['offered_pps'])} | {fmt(c['delivered_pps'])} | {fmt(c['delivered_mbps'])} "
              f"| {fmt(c['loss_pct'], 2)} |")
    print()
    print("| peers | size | dir | offered pkt/s | relay | runs | delivered pkt/s | loss % | p50 µs | p99 µs "
          "| relay CPU % | CPU µs/pkt | ours/Miredo pkt/s | ours/Miredo CPU/pkt |")
    print("|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(points):
        peers, size, direction, rate = key
        by = points[key]
        stats = {}
        for label, runs in sorted(by.items()):
            s = {
                "offered": med([d["offered_pps"] for _, d in runs]),
                "delivered": med([d["delivered_pps"] for _, d in runs]),
                "loss": med([d["loss_pct"] for _, d in runs]),
                "p50": med([d["p50_us"] for _, d in runs]),
                "p99": med([d["p99_us"] for _, d in runs]),
                "cpu": med([100 * r["relay_cpu_s"] / r["wall_s"] for r, _ in runs]),
                "cpupp": med([r["relay_cpu_us_per_packet"] for r, _ in runs]),
                "n": len(runs),
            }
            stats[label] = s
        ours, theirs = stats.get("jmiredo"), stats.get("miredo")
        ratio = cratio = float("nan")
        if ours and theirs and theirs["delivered"] > 0 and theirs["cpupp"] > 0:
            ratio = ours["delivered"] / theirs["delivered"]
            cratio = ours["cpupp"] / theirs["cpupp"]
        for label, s in stats.items():
            r1 = fmt(ratio, 2) if label == "jmiredo" else ""
            r2 = fmt(cratio, 2) if label == "jmiredo" else ""
            print(f"| {peers:,} | {size} | {direction} | {'max' if rate == 0 else fmt(rate)} | {label} | {s['n']} "
                  f"| {fmt(s['delivered'])} | {fmt(s['loss'], 2)} | {fmt(s['p50'], 0)} | {fmt(s['p99'], 0)} "
                  f"| {fmt(s['cpu'], 0)} | {fmt(s['cpupp'], 2)} | {r1} | {r2} |")


if __name__ == "__main__":
    main()
