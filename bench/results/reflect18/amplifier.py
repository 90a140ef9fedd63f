#!/usr/bin/env python3
"""reflect18: a native UDP service that answers each request with FACTOR times its bytes (a stand-in for an open
DNS resolver or any service whose answer is much larger than the question). Runs on the native host.
  amplifier.py ADDRESS PORT FACTOR SECONDS   -- stops by itself after SECONDS"""
import socket, sys, time

address, port, factor, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((address, port))
s.settimeout(0.2)
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        data, peer = s.recvfrom(2048)
    except socket.timeout:
        continue
    s.sendto((data * factor)[:1400], peer)
