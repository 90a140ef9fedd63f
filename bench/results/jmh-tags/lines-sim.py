#!/usr/bin/env python3
"""Cache lines a successful lookup reads at 3/4 load, old (two 32-byte slots a line, the home line and the
next read first) against tags (one byte a slot in lines of 64, then the candidate slots' lines), by
simulating one 10 M segment (52,083 slots, 39,062 entries, random homes, linear probing, a random start
of the region within a line as in the table). Also how many of those lines a lookup reads only after
another read came back (dependent, "second wave"): old = lines past the two read first; tags = all slot
lines (after the tag line) plus tag lines past the first. Usage: lines-sim.py [seed]"""
import random, sys

rnd = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
cap, n = 52083, 39062
slots = [None] * cap
tags = [0] * cap
for e in range(n):
    h = rnd.randrange(cap)
    i = h
    while slots[i] is not None:
        i = (i + 1) % cap
    slots[i] = (e, h)
    tags[i] = rnd.randrange(1, 256)
slot_off = rnd.randrange(2)      # region start in the line, in slots (odd regions start mid-line)
tag_off = rnd.randrange(64)      # tag region start in its line, in bytes
old_lines = old_extra = old_past = new_lines = new_extra = collisions = 0
for i, s in enumerate(slots):
    if s is None:
        continue
    _, h = s
    d = (i - h) % cap
    # old: lines of slots h..h+d; the first two lines (home's and next) are read at once
    lines = {((h + j) % cap + slot_off) // 2 for j in range(d + 1)}
    first2 = {(h + slot_off) // 2, (h + slot_off) // 2 + 1}
    old_lines += len(lines | first2)
    old_extra += len(lines - first2)
    old_past += bool(lines - first2)
    # tags: tag lines of h..h+d; slot lines of every slot whose tag equals this entry's on the way
    tl = {((h + j) % cap + tag_off) // 64 for j in range(d + 1)}
    cands = [(h + j) % cap for j in range(d + 1) if tags[(h + j) % cap] == tags[i]]
    collisions += len(cands) - 1
    sl = {(c + slot_off) // 2 for c in cands}
    new_lines += len(tl) + len(sl)
    new_extra += len(tl) - 1 + len(sl)
print(f"old: {old_lines / n:.3f} lines a lookup, {old_extra / n:.3f} after the first wave "
      f"({100 * old_past / n:.1f} % of lookups read any)")
print(f"tags: {new_lines / n:.3f} lines a lookup, {new_extra / n:.3f} after the first wave "
      f"(tag collisions {collisions / n:.4f} a lookup)")
