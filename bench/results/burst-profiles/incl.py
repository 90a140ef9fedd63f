import sys, re, collections  # inclusive share of frames in the busiest thread (see README.md)
sys.path.insert(0, "bench")
from perf_split import samples, kind
keys = sys.argv[1:]
all_s = list(samples(sys.stdin))
want = collections.Counter(c for c,_ in all_s).most_common(1)[0][0]
loop = [f for c,f in all_s if c == want and f]
n = len(loop)
for key in keys:
    tot = sum(1 for f in loop if any(key in s for s,_ in f))
    user = sum(1 for f in loop if kind(f[0]) != "kernel" and any(key in s for s,_ in f))
    print(f"{key[:60]:60s} incl {100*tot/n:5.1f} %  of which user {100*user/n:5.1f} %")
