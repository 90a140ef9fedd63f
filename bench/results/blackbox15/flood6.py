#!/usr/bin/env python3
"""blackbox15: packets from the native side to N Teredo addresses that never answer, K back to back each.
Teredo addresses embed server 198.51.100.1 and mappings 203.0.113.16+ (global, documentation ranges: the
bench lab's generator namespace drops what the relay sends there). Payload: SIZE bytes of UDP payload.
   flood6.py N K SIZE [FIRST]"""
import socket, sys
n, k, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
payload = b'x' * size
sent = 0
for i in range(first, first + n):
    ip = (203 << 24 | 0 << 16 | 113 << 8 | 16) + (i >> 14)
    port = 1024 + (i & 0x3FFF)
    a = 0x2001 << 112 | 0xc6336401 << 64 | (port ^ 0xFFFF) << 32 | (ip ^ 0xFFFFFFFF)
    addr = socket.inet_ntop(socket.AF_INET6, a.to_bytes(16, 'big'))
    for _ in range(k):
        try:
            s.sendto(payload, (addr, 9))
            sent += 1
        except OSError:
            pass
print(f"sent {sent}")
