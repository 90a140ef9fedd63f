import os, sys; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from craft import *
# ICMPv4 errors quoting UDP datagrams "from" TARGET:TPORT to SRC:random; sent from SRC to TARGET
src, target, tport, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
kinds = [(3,3),(3,1),(3,4),(11,0),(3,13),(12,0),(4,0)]
for i in range(count):
    t, c = kinds[i % len(kinds)]
    quoted = udp4(target, tport, src, random.randint(1024,65535), b'\x00'*8)[:28]
    rest = struct.pack('!HH', 0, 1000 if (t,c)==(3,4) else 0)
    m = struct.pack('!BBH', t, c, 0) + rest + quoted
    m = m[:2] + struct.pack('!H', csum(m)) + m[4:]
    s.sendto(m, (target, 0))
print('sent', count)
