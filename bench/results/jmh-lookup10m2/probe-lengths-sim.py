# Linear probing at 3/4 load in one 10 M segment (52,084 slots, 39,063 keys): the share of keys past the
# home line and the next (aligned region, and a region starting mid-line). python3 probe-lengths-sim.py
# -> 0.1357 / 0.0798 (past two lines / past three), 0.1342 / 0.0795 mid-line.
import random
cap=52084; n=39063
random.seed(1)
t=[None]*cap
for x in range(n):
    h=random.randrange(cap); i=h
    while t[i] is not None: i=(i+1)%cap
    t[i]=h
for off in (0,1):  # region aligned (0) or shifted by half a line (1)
    beyond=0; beyond3=0
    for i,h in enumerate(t):
        if h is None: continue
        d=(i-h)%cap
        a=(h+off)            # absolute slot index parity
        covered = 4 - (a & 1)  # slots covered by home line + next line
        if d>=covered: beyond+=1
        if d>=covered+2: beyond3+=1
    print(off, beyond/n, beyond3/n)
# unsuccessful-ish: none
