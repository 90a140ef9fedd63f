#!/usr/bin/env python3
"""Odd clients against the metrics endpoint, then one scrape: huge headers, a connection flood from 8 addresses
(connect, close, as fast as possible for 5 s, 8 threads), half-open connections. Usage: metrics_misc.py HOST PORT"""
import socket, sys, threading, time, urllib.request
host, port = sys.argv[1], int(sys.argv[2])
def scrape(src="198.51.100.60"):
    s = socket.create_connection((host, port), 5, (src, 0))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        d = s.recv(65536)
        if not d: break
        data += d
    return data.split(b"\r\n", 1)[0].decode(), len(data), data
# 1. huge header (1 MB in one header line), then huge header count
s = socket.create_connection((host, port), 5, ("198.51.100.50", 0))
try:
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
except OSError as e:
    print("huge header: send ended:", e)
try:
    print("huge header answer:", s.recv(200).split(b"\r\n")[0])
except OSError as e:
    print("huge header: recv", e)
s.close()
print("scrape after:", scrape()[:2])
# 2. connect flood
count = [0]
def flood(i):
    end = time.time() + 5
    while time.time() < end:
        try:
            c = socket.create_connection((host, port), 2, (f"198.51.100.{50 + i}", 0)); c.close(); count[0] += 1
        except OSError:
            pass
ts = [threading.Thread(target=flood, args=(i,)) for i in range(8)]
[t.start() for t in ts]
time.sleep(2)
t0 = time.time(); r = scrape(); print(f"scrape during a connect flood: {r[:2]} in {time.time()-t0:.3f} s")
[t.join() for t in ts]
print("connects in 5 s:", count[0])
# 3. 64 connections that send a request and never read (small receive window), then a scrape
held = []
for i in range(8):
    for j in range(8):
        c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024); c.bind((f"198.51.100.{50+i}", 0)); c.connect((host, port))
        c.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 20); held.append(c)
time.sleep(1)
t0 = time.time(); r = scrape(); print(f"scrape with 64 non-reading clients: {r[:2]} in {time.time()-t0:.3f} s")
body = r[2].decode(errors="replace")
print("\n".join(l for l in body.splitlines() if l.startswith("jmiredo_metrics_connections")))
