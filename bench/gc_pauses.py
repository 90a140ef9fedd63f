#!/usr/bin/env python3
"""GC pause statistics of a -Xlog:gc* log (G1 or ZGC): count, p50/p99/max, total, and the pauses per kind."""
import re
import sys
import collections

# G1:  [12.345s][info][gc          ] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 60M->9M(256M) 3.210ms
# ZGC: [12.345s][info][gc,phases   ] GC(7) Y: Pause Mark Start (Major) 0.015ms
PAUSE = re.compile(r"\]\[(?:gc|gc,phases)\s*\] GC\(\d+\) (?:[YO]: )?(Pause [A-Za-z ]+?)(?: \(.*\))?(?: \S+->\S+)? ([\d.]+)ms$")


def pct(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main():
    pauses = []
    kinds = collections.defaultdict(list)
    for line in open(sys.argv[1], errors="replace"):
        m = PAUSE.search(line.rstrip())
        if m:
            ms = float(m.group(2))
            pauses.append(ms)
            kinds[m.group(1).strip()].append(ms)
    print(f"gc pauses: {len(pauses)}, p50 {pct(pauses, 50):.3f} ms, p99 {pct(pauses, 99):.3f} ms, "
          f"max {max(pauses, default=0):.3f} ms, total {sum(pauses):.1f} ms")
    for k, v in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
        print(f"  {k}: {len(v)}, p50 {pct(v, 50):.3f} ms, p99 {pct(v, 99):.3f} ms, max {max(v):.3f} ms")


if __name__ == "__main__":
    main()
