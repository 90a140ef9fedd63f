#!/usr/bin/env python3
"""Pipelines GET PATH on CONNS keep-alive connections to HOST:PORT for DURATION seconds, reading every answer;
prints requests answered and bytes read. Usage: scrape_flood.py HOST PORT PATH CONNS DURATION [SRC]"""
import selectors, socket, sys, time
host, port, path, conns, duration = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
src = sys.argv[6] if len(sys.argv) > 6 else None
req = f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
sel = selectors.DefaultSelector()
for _ in range(conns):
    s = socket.socket()
    if src:
        s.bind((src, 0))
    s.connect((host, port))
    s.sendall(req * 4)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, [0])
answered = 0; total = 0
end = time.time() + duration
while time.time() < end:
    for key, _ in sel.select(0.5):
        try:
            data = key.fileobj.recv(1 << 20)
        except BlockingIOError:
            continue
        if not data:
            sel.unregister(key.fileobj); continue
        total += len(data)
        n = data.count(b"HTTP/1.1 200")
        answered += n
        if n:
            try:
                key.fileobj.send(req * n)
            except OSError:
                pass
print(f"answered {answered} bytes {total}", flush=True)
