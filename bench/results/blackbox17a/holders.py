#!/usr/bin/env python3
"""Holds SOURCES x PER keep-alive connections to the metrics endpoint, each after one whole GET /healthz (read), and
counts those the server closed, every 5 s, for DURATION seconds. Usage:
  holders.py HOST PORT SRC_PREFIX FIRST COUNT PER DURATION"""
import os, socket, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from slowloris import open_all


def one_request(s):
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(3)
    s.recv(4096)


host, port, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
first, count, per, duration = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
socks = open_all(host, port, prefix, first, count, per, one_request)
end = time.time() + duration
while time.time() < end:
    alive = 0
    for s in socks:
        s.setblocking(False)
        try:
            alive += 1 if s.recv(1, socket.MSG_PEEK) else 0
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    print(f"{time.strftime('%H:%M:%S')} alive {alive}", flush=True)
    time.sleep(5)
