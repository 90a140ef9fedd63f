#!/usr/bin/env python3
"""Table of bench/results/gso-1/out.txt: per variant and round, each point's delivered pkt/s, loss and the
relay's CPU per delivered packet; then the ratios gso/base and gso/off per round."""
import re
import sys
from collections import defaultdict

rows = defaultdict(dict)  # (variant, round) -> point -> (delivered, loss, cpu)
seen = defaultdict(int)
variant = None
point = None
for line in open(sys.argv[1] if len(sys.argv) > 1 else "out.txt"):
    if line.startswith("##### handshake"):
        break  # the handshake's own summary follows
    m = re.match(r"##### (\w+) ", line)
    if m:
        variant = m.group(1)
        seen[variant] += 1
        continue
    m = re.match(r"(i2t|t2i) peers=(\d+) size=(\d+) rate=(\d+)", line)
    if m:
        point = f"p{m.group(2)} {m.group(3)}B {'max' if m.group(4) == '0' else m.group(4)}"
        continue
    m = re.match(r"i2t\s+(\d+)\s+(\d+)\s+\S+\s+\S+\s+(\S+)", line)
    if m and point:
        delivered, loss = int(m.group(2)), float(m.group(3))
        continue
    m = re.match(r"relay cpu .*, ([\d.]+) us/packet", line)
    if m and point and variant:
        rows[(variant, seen[variant])][point] = (delivered, loss, float(m.group(1)))
        point = None
points = sorted({p for r in rows.values() for p in r}, key=lambda p: (len(p), p))
print("| variant, round | " + " | ".join(points) + " |")
print("|---|" + "---:|" * len(points))
for key in sorted(rows, key=lambda k: (k[1], k[0])):
    cells = []
    for p in points:
        if p in rows[key]:
            d, loss, cpu = rows[key][p]
            cells.append(f"{cpu:.2f} µs, {d:,}/s" + (f", {loss:.1f} % lost" if loss >= 0.05 else ""))
        else:
            cells.append("")
    print(f"| {key[0]} {key[1]} | " + " | ".join(cells) + " |")
for other in ("base", "off"):
    print(f"\nCPU per packet gso/{other}, per round:")
    for p in points:
        ratios = []
        for (v, r), pts in sorted(rows.items()):
            if v == "gso" and p in pts and (other, r) in rows and p in rows[(other, r)]:
                ratios.append(f"{pts[p][2] / rows[(other, r)][p][2]:.2f}")
        print(f"  {p}: {', '.join(ratios)}")
