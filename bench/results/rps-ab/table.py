#!/usr/bin/env python3
"""Tables of an rps-ab run: per relay and load point, each steering configuration against U0 (today).
   table.py DIR            one run, every figure
   table.py DIR DIR...     medians over runs of the ratios (summary)"""
import json
import pathlib
import sys


def main():
    out = pathlib.Path(sys.argv[1])
    rows = {}
    for f in sorted(out.glob("*.json")):
        r = json.loads(f.read_text())
        relay, config = r["label"].rsplit("-", 1)
        d = r[r["direction"]]
        key = (relay, r["direction"], r["peers"], r["size"], r["rate"])
        n = max(d["delivered"], 1)
        busy = r.get("cpu_busy_s", [])
        rows.setdefault(key, {})[config] = {
            "dlv": d["delivered_pps"], "loss": d["loss_pct"],
            "relay": r["relay_cpu_us_per_packet"], "machine": r.get("machine_cpu_us_per_packet", float("nan")),
            "core1": busy[2] * 1e6 / n if len(busy) > 2 else float("nan"),
            "core0": busy[1] * 1e6 / n if len(busy) > 1 else float("nan"),
            "intr": r.get("cpu_interrupt_s", [float("nan")])[0] * 1e6 / n,
            "lab": (r["relay_cpu_s"] + r["generator_cpu_s"] + r.get("cpu_interrupt_s", [float("nan")])[0]) * 1e6 / n,
            "softnet": r["softnet_dropped"],
        }
    print("Per packet delivered: relay = the relay's processes (/proc/PID/stat), machine = all CPUs busy "
          "(/proc/stat, other sessions' load included), cpu0/cpu1 = each CPU's busy time, irq = the machine's "
          "irq + softirq time (on no process's account), lab = relay + generator + irq (the work of this lab "
          "wherever it ran); x = ratio to U0 of the same relay and point.\n")
    print("| relay | dir | peers | size | rate | config | delivered/s | x | loss % | relay µs | x | machine µs | x "
          "| cpu0 µs | cpu1 µs | irq µs | lab µs | x | softnet drops |")
    print("|---|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(rows, key=lambda k: (k[0], k[1], -k[2], k[3], k[4] == 0, k[4])):
        relay, direction, peers, size, rate = key
        base = rows[key].get("U0")
        for config in ["U0", "P0", "Po", "Pa", "Ua"]:
            s = rows[key].get(config)
            if not s:
                continue
            ratio = lambda f: f"{s[f] / base[f]:.2f}" if base and base[f] > 0 else ""
            print(f"| {relay} | {direction} | {peers:,} | {size} | {'max' if rate == 0 else f'{rate:,.0f}'} | {config} "
                  f"| {s['dlv']:,.0f} | {ratio('dlv')} | {s['loss']:.2f} | {s['relay']:.2f} | {ratio('relay')} "
                  f"| {s['machine']:.2f} | {ratio('machine')} | {s['core0']:.2f} | {s['core1']:.2f} "
                  f"| {s['intr']:.2f} | {s['lab']:.2f} | {ratio('lab')} | {s['softnet']} |")




def summary(dirs):
    """Medians over runs of each configuration's ratio to U0 (and the relay's CPU against P0, same pinning)."""
    import statistics
    ratios = {}
    for out in dirs:
        rows = {}
        for f in sorted(pathlib.Path(out).glob("*.json")):
            r = json.loads(f.read_text())
            relay, config = r["label"].rsplit("-", 1)
            d = r[r["direction"]]
            n = max(d["delivered"], 1)
            rows.setdefault((relay, r["direction"], r["peers"], r["size"], r["rate"]), {})[config] = (
                d["delivered_pps"], r["relay_cpu_us_per_packet"],
                (r["relay_cpu_s"] + r["generator_cpu_s"] + r["cpu_interrupt_s"][0]) * 1e6 / n, d["loss_pct"])
        for key, by in rows.items():
            u0, p0 = by.get("U0"), by.get("P0")
            for config, v in by.items():
                if u0 and p0:
                    ratios.setdefault((key, config), []).append(
                        (v[0] / u0[0], v[1] / p0[1], v[2] / u0[2], v[2] / p0[2], v[3]))
    print(f"Medians over {len(dirs)} runs ({', '.join(pathlib.Path(d).name for d in dirs)}), ratios to the same "
          "run's U0 (delivered, lab CPU) and P0 (relay CPU, lab CPU: same pinning); n = runs.\n")
    print("| relay | dir | peers | size | rate | config | n | delivered / U0 | relay µs / P0 | lab µs / U0 "
          "| lab µs / P0 | loss % (median) |")
    print("|---|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|")
    order = ["U0", "P0", "Po", "Pa", "Ua"]
    for (key, config) in sorted(ratios, key=lambda k: (k[0][0], k[0][1], -k[0][2], k[0][3], k[0][4] == 0,
                                                        order.index(k[1]))):
        relay, direction, peers, size, rate = key
        v = ratios[(key, config)]
        m = [statistics.median(x[i] for x in v) for i in range(5)]
        print(f"| {relay} | {direction} | {peers:,} | {size} | {'max' if rate == 0 else f'{rate:,.0f}'} | {config} "
              f"| {len(v)} | {m[0]:.2f} | {m[1]:.2f} | {m[2]:.2f} | {m[3]:.2f} | {m[4]:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) > 2:
        summary(sys.argv[1:])
    else:
        main()
