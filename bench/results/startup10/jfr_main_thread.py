import json,collections,sys
def cls(f): return f["method"]["type"]["name"].replace('/','.')
for group in sys.argv[1:]:
    c=collections.Counter(); n=0
    for r in group.split(','):
        for e in json.load(open(r))["recording"]["events"]:
            v=e["values"]; th=(v.get("sampledThread") or {}).get("javaName") or "?"
            if th!="main": continue
            frames=v["stackTrace"]["frames"] if v.get("stackTrace") else []
            lib="jdk-only"
            for f in frames:
                nm=cls(f)
                if not nm.startswith(("java.","jdk.","sun.","javax.","com.sun.")):
                    p=nm.split(".")
                    lib=".".join(p[:3]) if p[0]=="org" and p[1]=="jmiredo" else ".".join(p[:2]); break
            c[lib]+=1; n+=1
    print(group, n)
    for k,v in c.most_common(15): print(f"  {v:4d} {100*v/n:5.1f}% {k}")
