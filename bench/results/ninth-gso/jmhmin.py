#!/usr/bin/env python3
"""Per side and destinations: the best (least disturbed) and median 1-s iteration of SendBatchBench over all
rounds of a jmh.sh output directory, in ns per datagram. On a shared 2-core host every iteration is inflated by
the CPU the fork did not get; the best one of each side is the closest to its own cost."""
import glob, json, os, re, statistics, sys
d = sys.argv[1]
rows = {}
for f in sorted(glob.glob(os.path.join(d, '*.json'))):
    side = re.sub(r'\d\.json$', '', os.path.basename(f))  # {side}{round}.json, rounds 1 to 9
    for r in json.load(open(f)):
        key = (side, r['params']['destinations'])
        rows.setdefault(key, []).extend(x for fork in r['primaryMetric']['rawData'] for x in fork)
for (side, dest), xs in sorted(rows.items(), key=lambda kv: (int(kv[0][1]), kv[0][0])):
    print(f"{side:5} destinations={dest:>2}: best {min(xs):6.2f}  median {statistics.median(xs):6.2f}  ns/datagram ({len(xs)} iterations)")
