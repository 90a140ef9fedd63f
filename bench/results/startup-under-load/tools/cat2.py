import json,collections,sys
def cls(f): return f["method"]["type"]["name"].replace('/','.')
by=collections.defaultdict(collections.Counter); tot=collections.Counter()
for r in sys.argv[1:]:
    for e in json.load(open(r))["recording"]["events"]:
        v=e["values"]; th=(v.get("sampledThread") or {}).get("javaName") or "?"
        frames=v["stackTrace"]["frames"] if v.get("stackTrace") else []
        cat="jdk-only"
        for f in frames:
            c=cls(f)
            if not c.startswith(("java.","jdk.","sun.","javax.","com.sun.")):
                cat=c+"::"+f["method"]["name"]; break
        spin=any(cls(f).startswith(("jdk.internal.classfile","java.lang.invoke","jdk.internal.foreign","java.lang.classfile")) for f in frames[:15])
        tot[th]+=1; by[th][("SPIN " if spin else "")+cat]+=1
for th,n in tot.most_common(4):
    print(f"== {th}: {n}")
    for c,k in by[th].most_common(35): print(f"   {k:4d} {100*k/n:5.1f}% {c}")
