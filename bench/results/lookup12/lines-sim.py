#!/usr/bin/env python3
"""Cache lines a successful burst lookup reads, simulated on one 10 M segment (39,062 entries, linear probing,
random homes, two 32-byte slots a line), for the layouts tried in this iteration: main (3/4 load, the home
line and the next read at once), the next line read only when the home slot is the last of its line
(variant "second line only for the last slot"), load 0.7 (variant load-0.7) and Robin Hood insertion (variant
robin-hood). For each: lines read a lookup, lines read after the first wave (each waits for the one before),
the share of lookups that read any such line, and the share whose probe ends in its home line.
Usage: lines-sim.py [seed]"""
import random
import sys

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
share = 39062


def build(cap, rnd, robin_hood):
    slots = [None] * cap  # the home of the entry in each slot
    for _ in range(share):
        cur = rnd.randrange(cap)
        i, dist = cur, 0
        while slots[i] is not None:
            if robin_hood and (i - slots[i]) % cap < dist:
                slots[i], cur = cur, slots[i]
                dist = (i - cur) % cap
            i, dist = (i + 1) % cap, dist + 1
        slots[i] = cur
    return slots


def lines(slots, cap, last_slot_only):
    n = read = later = past = one = 0
    for i, h in enumerate(slots):
        if h is None:
            continue
        n += 1
        pos = h % 2  # the region starts on a line here (1 M, and 192 of the 256 segments at 10 M)
        need = (pos + (i - h) % cap) // 2 + 1  # lines from the home line to the entry's
        first = 2 if (pos == 1 or not last_slot_only) else 1
        read += max(need, first)
        later += max(0, need - first)
        past += need > first
        one += need == 1
    return read / n, later / n, past / n, one / n


for name, load, rh, last in (("main", 0.75, False, False), ("second line only for the last slot", 0.75, False, True),
                             ("load 0.7", 0.7, False, False), ("robin hood", 0.75, True, False)):
    cap = int(share / load)
    r, l, p, o = lines(build(cap, random.Random(seed), rh), cap, last)
    print(f"{name}: {r:.3f} lines a lookup, {l:.3f} after the first wave ({100 * p:.1f} % of lookups read any), "
          f"{100 * o:.1f} % end in the home line, {32 * cap / share:.1f} B/peer of slots")
