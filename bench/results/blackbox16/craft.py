import socket, struct, sys, ipaddress
def teredo(server, ip, port):
    s = ipaddress.IPv4Address(server).packed
    c = bytes(b ^ 0xff for b in ipaddress.IPv4Address(ip).packed)
    p = struct.pack('!H', port ^ 0xffff)
    return ipaddress.IPv6Address(b'\x20\x01\x00\x00' + s + b'\x00\x00' + p + c)
def csum(data):
    if len(data) % 2: data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data)//2), data))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def echo(src, dst, hlim=64, ident=0x1234, seq=1, payload=b'hello'):
    icmp = struct.pack('!BBHHH', 128, 0, 0, ident, seq) + payload
    ph = src.packed + dst.packed + struct.pack('!I', len(icmp)) + b'\0\0\0\x3a'
    c = csum(ph + icmp)
    icmp = icmp[:2] + struct.pack('!H', c) + icmp[4:]
    return struct.pack('!IHBB', 0x60000000, len(icmp), 58, hlim) + src.packed + dst.packed + icmp
my_ip, my_port, server, relay_ip, relay_port, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
hlim = int(sys.argv[7]) if len(sys.argv) > 7 else 64
src = teredo(server, my_ip, my_port)
print("src", src)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((my_ip, my_port)); s.settimeout(2)
s.sendto(echo(src, ipaddress.IPv6Address(dst), hlim), (relay_ip, relay_port))
try:
    while True:
        d, a = s.recvfrom(2000)
        print("got", len(d), a, d[:8].hex(), ipaddress.IPv6Address(d[8:24]), '->', ipaddress.IPv6Address(d[24:40]), 'nh', d[6], 'type', d[40] if len(d) > 40 else None)
except socket.timeout:
    print("timeout")
