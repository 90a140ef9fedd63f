#!/usr/bin/env python3
"""scrapes17: pipelines GET PATH on CONNS keep-alive connections to HOST:PORT for DURATION seconds, 4 requests in
flight on each, a new one sent for every answer whatever its status (a flooder that ignores Retry-After), at most
RATE requests a second in all (0: as fast as answered). Prints the answers by status.
Usage: flood.py HOST PORT PATH CONNS DURATION RATE [SRC]"""
import re, selectors, socket, sys, time
host, port, path, conns, duration, rate = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), \
    float(sys.argv[5]), float(sys.argv[6])
src = sys.argv[7] if len(sys.argv) > 7 else None
req = f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
status = re.compile(rb"HTTP/1\.1 (\d{3}) ")
sel = selectors.DefaultSelector()
owed = {}
for _ in range(conns):
    s = socket.socket()
    if src:
        s.bind((src, 0))
    s.connect((host, port))
    s.sendall(req * 4)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    owed[s] = 0
counts = {}
sent = 4 * conns
start = time.time()
end = start + duration
tail = {s: b"" for s in owed}
while time.time() < end:
    for key, _ in sel.select(0.05):
        s = key.fileobj
        try:
            data = s.recv(1 << 20)
        except BlockingIOError:
            continue
        if not data:
            sel.unregister(s); del owed[s]; continue
        # A status line may straddle two reads: keep the last 12 bytes, too few to hold a whole match (13).
        buf = tail[s] + data
        found = status.findall(buf)
        tail[s] = buf[-12:]
        for code in found:
            counts[code.decode()] = counts.get(code.decode(), 0) + 1
        owed[s] += len(found)
    # Pay what is owed, within the rate.
    allowed = float("inf") if rate <= 0 else rate * (time.time() - start) + 4 * conns - sent
    for s in list(owed):
        n = int(min(owed[s], allowed))
        if n > 0:
            try:
                s.send(req * n)
            except OSError:
                pass
            owed[s] -= n; sent += n; allowed -= n
print("answered " + " ".join(f"{k}:{v}" for k, v in sorted(counts.items())) + f" sent {sent}", flush=True)
