#!/usr/bin/env python3
# Per-round ratios of run.sh's JMH JSON: python3 ratios.py > ratios.txt (in this directory).
import json
import statistics as st


def load(f):
    return {r['params']['peers']: r['primaryMetric']['score'] for r in json.load(open(f))
            if r['benchmark'].endswith('udpToTun')}


def table(title, old, new, names, rounds=(1, 2, 3, 4)):
    print(title)
    for peers in ['1', '100000']:
        rs = []
        for rnd in rounds:
            a = load(old.format(rnd))[peers]
            b = load(new.format(rnd))[peers]
            rs.append(b / a)
            print(f"  peers={peers} round {rnd}: {names[0]} {a:.1f} {names[1]} {b:.1f} ratio {b / a:.3f}")
        print(f"  peers={peers}: ratios {min(rs):.2f} to {max(rs):.2f}, median {st.median(rs):.3f}")


table("default range, old (main 2ef34fda) a against new b, DataPathBench.udpToTun ns/packet; ratio new/old per round",
      'jmh-default/a{}.json', 'jmh-default/b{}.json', ('old', 'new'))
table("new build, 16 served prefixes (destination in the last) against the default, ratio s16/s0 per round",
      'jmh-served/s0-{}.json', 'jmh-served/s16-{}.json', ('default', '16 prefixes'))
table("run2.sh: default range, old against new, 6 rounds of 10 iterations; ratio new/old per round",
      'jmh-default-2/a{}.json', 'jmh-default-2/b{}.json', ('old', 'new'), rounds=(1, 2, 3, 4, 5, 6))
