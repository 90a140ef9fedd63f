# Minimal packet crafting for manual lab checks (raw IPv4 with IP_HDRINCL).
import socket, struct, random, sys, time
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return (~s) & 0xffff
def ip4(src, dst, payload, proto=17):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20+len(payload), random.getrandbits(16), 0, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload
def udp4(src, sport, dst, dport, data):
    return ip4(src, dst, struct.pack('!HHHH', sport, dport, 8+len(data), 0) + data)  # checksum 0 allowed in IPv4
def teredo_addr(server, mapped, port, flags=0):
    s = socket.inet_aton(server); m = bytes(x ^ 0xff for x in socket.inet_aton(mapped))
    return b'\x20\x01\x00\x00' + s + struct.pack('!HH', flags, port ^ 0xffff) + m
def ipv6(src16, dst16, nh, payload, hlim=255):
    return struct.pack('!IHBB', 0x60000000, len(payload), nh, hlim) + src16 + dst16 + payload
def bubble(src16, dst16):
    return ipv6(src16, dst16, 59, b'')
def origin(ip, port):
    return b'\x00\x00' + struct.pack('!H', port ^ 0xffff) + bytes(x ^ 0xff for x in socket.inet_aton(ip))
def icmp6(src16, dst16, typ, code, body):
    pseudo = src16 + dst16 + struct.pack('!IxxxB', 4+len(body), 58)
    m = struct.pack('!BBH', typ, code, 0) + body
    c = csum(pseudo + m)
    return ipv6(src16, dst16, 58, m[:2] + struct.pack('!H', c) + m[4:], 64)
def rawsock():
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    return s
