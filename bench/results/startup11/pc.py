import re,sys
pat=re.compile(r'^\s*(\d+)\s+(\d+)\s+([%sbn!]*)\s*([0-4])\s+(\S+)')
for f in sys.argv[1:]:
    before=True; c={('b',1):0,('b',4):0,('a',1):0,('a',4):0}; jm=0; jm4=set()
    for line in open(f):
        if ' ready: ' in line: before=False; continue
        m=pat.match(line)
        if not m: continue
        tier=int(m.group(4)); k=('b' if before else 'a', 4 if tier==4 else 1)
        c[k]+=1
        if not before and tier==4 and m.group(5).startswith('org.jmiredo'): jm4.add(m.group(5))
    print(f, 'before ready C1 %d C2 %d; after ready C1 %d C2 %d; jmiredo methods at C2 after ready %d' % (c[('b',1)],c[('b',4)],c[('a',1)],c[('a',4)],len(jm4)))
def c2set(f):
    s=set(); after=False
    for line in open(f):
        if ' ready: ' in line: after=True; continue
        m=pat.match(line)
        if m and after and int(m.group(4))==4 and m.group(5).startswith('org.jmiredo'): s.add(m.group(5))
    return s
if len(sys.argv)>2:
    a=c2set(sys.argv[1]); b=c2set(sys.argv[-1])
    print('only in first:', sorted(a-b))
