#!/usr/bin/env python3
"""Per pair of a run directory of bench/results/jmh-tags/run.sh and benchmark: base, new (score, JMH error), new/base,
and the load average before each fork (from the run's .txt log).
Usage: summary.py bench/results/jmh-tags/run1 [...]"""
import json, os, re, sys

for d in sys.argv[1:]:
    log = open(d + '.txt').read() if os.path.exists(d + '.txt') else ''
    loads = dict(re.findall(r'=== (\S+): .*load (\S+) ', log))
    cells = {}
    for f in sorted(os.listdir(d)):
        if f.endswith('.json'):
            try:
                r = json.load(open(os.path.join(d, f)))
            except ValueError:
                continue  # a fork still running
            for b in r:
                m = b['primaryMetric']
                cells[(f[:-5], b['benchmark'].split('.')[-1])] = (m['score'], m['scoreError'], m['scoreUnit'])
    print(f'## {d}')
    for name, bench in sorted(k for k in cells if k[0].startswith('base-')):
        pair = name[len('base-'):]
        if ('new-' + pair, bench) not in cells:
            continue
        b, n = cells[(name, bench)], cells[('new-' + pair, bench)]
        print(f'{pair:8s} {bench:12s} base {b[0]:8.3f} ± {b[1]:6.3f} (load {loads.get(name, "?")})  '
              f'new {n[0]:8.3f} ± {n[1]:6.3f} (load {loads.get("new-" + pair, "?")})  new/base {n[0] / b[0]:.3f} {b[2]}')
