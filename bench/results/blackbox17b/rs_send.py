#!/usr/bin/env python3
"""Router Solicitations towards a Teredo server (RFC 4380 section 5.2.1 form): COUNT at RATE a second from PORTS source
ports of the local address LOCAL, optionally with the authentication header (13 bytes, as Miredo's client sends it);
or (bubble) bubbles from a native source (rule 6) to the server's client whose address embeds 198.51.100.77:5555.
  rs_send.py SERVER LOCAL COUNT RATE PORTS auth|noauth|bubble"""
import socket, struct, sys, time

def checksum(src, dst, nh, upper):
    data = src + dst + struct.pack("!IxxxB", len(upper), nh) + upper
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def rs(auth):
    src = socket.inet_pton(socket.AF_INET6, "fe80::ffff:ffff:fffe")  # cone bit clear (RFC 5991)
    dst = socket.inet_pton(socket.AF_INET6, "ff02::2")
    icmp = bytearray(struct.pack("!BBHI", 133, 0, 0, 0))
    struct.pack_into("!H", icmp, 2, checksum(src, dst, 58, bytes(icmp)))
    packet = struct.pack("!IHBB", 0x60000000, len(icmp), 58, 255) + src + dst + bytes(icmp)
    head = struct.pack("!BBBB", 0, 1, 0, 0) + b"\x5a" * 8 + b"\0" if auth else b""
    return head + packet

def bubble():
    src = socket.inet_pton(socket.AF_INET6, "2001:db8:6::99")
    # 2001:0:c633:6401 (server 198.51.100.1), flags 0, port 5555 and 198.51.100.77 inverted
    dst = struct.pack("!IIHH", 0x20010000, 0xC6336401, 0, ~5555 & 0xFFFF) + bytes(~b & 0xFF for b in (198, 51, 100, 77))
    return struct.pack("!IHBB", 0x60000000, 0, 59, 64) + src + dst

def main():
    server, local, count, rate, ports, auth = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == "auth"
    socks = []
    for p in range(ports):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((local, 20000 + p))
        socks.append(s)
    payload = bubble() if sys.argv[6] == "bubble" else rs(auth)
    start = time.monotonic()
    for i in range(count):
        socks[i % ports].sendto(payload, (server, 3544))
        due = start + (i + 1) / rate
        ahead = due - time.monotonic()
        if ahead > 0.001:
            time.sleep(ahead)
    print("sent %d datagrams of %d bytes (UDP payload) in %.2f s" % (count, len(payload), time.monotonic() - start))

main()
