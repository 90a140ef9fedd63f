#!/usr/bin/env python3
"""Tables of PeerTableBench.lookupBurst from run.sh's JSON files (name-peers-round.json): for each run
directory given, each peer count, each round the score (M lookups/s) and error of every jar, and each
jar's ratio to the first jar named in JARS (base), round by round; then the median of those ratios.
Usage: summary.py DIR... (run from this directory)"""
import glob, json, os, statistics, sys

for d in sys.argv[1:]:
    cells = {}
    for f in glob.glob(os.path.join(d, '*.json')):
        jar, peers, rnd = os.path.basename(f)[:-5].split('-')
        m = json.load(open(f))[0]['primaryMetric']
        cells.setdefault(peers, {}).setdefault(rnd, {})[jar] = (m['score'], m['scoreError'])
    print(f'## {d}')
    for peers in sorted(cells, key=lambda p: -float(p.replace('m', 'e6').replace('k', 'e3'))):
        jars = sorted({j for r in cells[peers].values() for j in r}, key=lambda j: (j != 'base', j))
        ratios = {j: [] for j in jars[1:]}
        print(f'{peers}:')
        for rnd in sorted(cells[peers]):
            c = cells[peers][rnd]
            row = [f'{j} {c[j][0]:.2f} ± {c[j][1]:.2f}' for j in jars if j in c]
            for j in jars[1:]:
                if j in c and 'base' in c:
                    ratios[j].append(c[j][0] / c['base'][0])
            print(f'  {rnd}: ' + '; '.join(row) + ''.join(
                f'; {j}/base {c[j][0] / c["base"][0]:.2f}' for j in jars[1:] if j in c and 'base' in c))
        for j, r in ratios.items():
            if r:
                print(f'  {j}/base: median {statistics.median(r):.2f} of {len(r)} (min {min(r):.2f}, max {max(r):.2f})')
