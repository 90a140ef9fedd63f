import re,sys,collections
rx=re.compile(r'^\s*(\d+)\s+(\d+)\s+([%sbn! ]{0,8}?)\s*(\d)\s+(\S+)')
tiers=collections.Counter(); pk=collections.Counter(); meth=[]
for line in open(sys.argv[1]):
    m=rx.match(line)
    if not m or 'made not entrant' in line: continue
    t=int(m.group(4)); tiers[t]+=1
    if t==4:
        name=m.group(5); p='.'.join(name.split('::')[0].split('.')[:3]); pk[p]+=1; meth.append((int(m.group(1)),name))
print(sorted(tiers.items())); print(pk.most_common(25))
for x in meth[:int(sys.argv[2]) if len(sys.argv)>2 else 0]: print(x)
