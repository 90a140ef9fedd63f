#!/usr/bin/env python3
"""wire17: hand-made odd and hostile packets (struct only, no scapy).
  craft.py teredo RELAY_V4 RELAY_PORT LOCAL_V4 LOCAL_PORT   -- Teredo-side cases to the relay, from a source whose
      embedded mapping is LOCAL_V4:LOCAL_PORT (server 198.51.100.1); prints what came back to that socket.
  craft.py native                                             -- IPv6 packets from the native host to odd Teredo
      destinations (raw socket, IPV6_HDRINCL); prints nothing.
  craft.py server SERVER_V4 LOCAL_V4 LOCAL_PORT               -- RSs and bubbles to a Teredo server, both addresses."""
import socket, struct, sys, time

def a6(text):
    return socket.inet_pton(socket.AF_INET6, text)

def teredo(server, port, ipv4, flags=0):
    inv = bytes(~b & 0xFF for b in socket.inet_aton(ipv4))
    return struct.pack("!I4sHH", 0x20010000, socket.inet_aton(server), flags, ~port & 0xFFFF) + inv

def csum(src, dst, nh, upper):
    """RFC 1071 one's complement sum over the IPv6 pseudo-header (RFC 8200 section 8.1) and the upper layer."""
    data = src + dst + len(upper).to_bytes(4, "big") + bytes(3) + bytes([nh]) + upper + bytes(len(upper) % 2)
    total = 0
    for i in range(0, len(data), 2):
        total += (data[i] << 8) | data[i + 1]
    total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    return 0xFFFF ^ total

def echo(src, dst, ident=7, seq=1, data=b"wire17!!", kind=128):
    icmp = bytearray(struct.pack("!BBHHH", kind, 0, 0, ident, seq) + data)
    struct.pack_into("!H", icmp, 2, csum(src, dst, 58, bytes(icmp)))
    return bytes(icmp)

def ipv6(src, dst, nh, payload, hlim=64, plen=None):
    return struct.pack("!IHBB", 0x60000000, len(payload) if plen is None else plen, nh, hlim) + src + dst + payload

def ext(nh, body_len8=0):  # an extension header of 8*(1+n) bytes, options padded with PadN
    n = 8 * (1 + body_len8)
    return struct.pack("!BB", nh, body_len8) + struct.pack("!BB", 1, n - 4) + b"\0" * (n - 4)

def ping_with_ext(src, dst, chain, hlim=64):
    """chain: list of extension header numbers in order; ICMPv6 echo at the end (checksum over the upper layer)."""
    upper = echo(src, dst)
    payload = b""
    nhs = chain + [58]
    for i, h in enumerate(chain):
        nxt = nhs[i + 1]
        if h == 44:
            payload += struct.pack("!BBHI", nxt, 0, 0, 0x1717)  # atomic fragment: offset 0, M=0
        elif h == 43:
            payload += struct.pack("!BBBB", nxt, 2, 0, 1) + b"\0" * 4 + a6("2001:db8:6::20")  # RH0, 1 segment left
        else:
            payload += bytes([nxt]) + ext(0)[1:]
    return ipv6(src, dst, nhs[0], payload + upper, hlim)

def exchange(s, payload, to):
    """Sends payload and says what came back to the socket before it stayed quiet for its timeout."""
    s.sendto(payload, to)
    back = []
    try:
        while True:
            data, peer = s.recvfrom(4096)
            back.append("%d bytes from %s:%d" % (len(data), peer[0], peer[1]))
    except socket.timeout:
        pass
    return "; ".join(back) or "nothing back"

def teredo_cases(relay, rport, local, lport):
    me = teredo("198.51.100.1", lport, local)
    v6 = a6("2001:db8:6::20")
    ping = lambda dst, **k: ipv6(me, dst, 58, echo(me, dst), **k)
    orig = struct.pack("!HH4s", 0, ~3544 & 0xFFFF, bytes(~b & 0xFF for b in socket.inet_aton("198.51.100.1")))
    auth = struct.pack("!BBBB", 0, 1, 0, 0) + b"\x5a" * 8 + b"\0"
    good = ping(v6)
    cases = [
        ("plain echo to v6 (control)", good),
        ("hop-by-hop", ping_with_ext(me, v6, [0])),
        ("atomic fragment", ping_with_ext(me, v6, [44])),
        ("routing header type 0, segments left 1", ping_with_ext(me, v6, [43])),
        ("chain of 12 destination options", ping_with_ext(me, v6, [60] * 12)),
        ("hop-by-hop after destination options (misordered)", ping_with_ext(me, v6, [60, 0])),
        ("hop limit 0", ping(v6, hlim=0)),
        ("hop limit 1", ping(v6, hlim=1)),
        ("payload length +1 (past the datagram)", ipv6(me, v6, 58, echo(me, v6), plen=17)),
        ("payload length -4 (a trailer)", ipv6(me, v6, 58, echo(me, v6), plen=12)),
        ("valid echo and 4 bytes after it (a trailer)", good + b"\x00\x01\x02\x03"),
        ("payload length 0, next header ICMPv6", ipv6(me, v6, 58, b"", plen=0)),
        ("to the relay's own 2001:db8:6::3", ping(a6("2001:db8:6::3"))),
        ("to fe80::1", ping(a6("fe80::1"))),
        ("to ::1", ping(a6("::1"))),
        ("to ::", ping(a6("::"))),
        ("to ::ffff:198.51.100.2", ping(a6("::ffff:198.51.100.2"))),
        ("to 6to4 2002:c633:6403::1", ping(a6("2002:c633:6403::1"))),
        ("to ff02::1", ping(a6("ff02::1"))),
        ("to ff0e::1", ping(a6("ff0e::1"))),
        ("to another Teredo address (gen:40001)", ping(teredo("198.51.100.1", lport + 1, local))),
        ("to our own Teredo address", ping(me)),
        ("origin then IPv6", orig + good),
        ("auth then origin then IPv6", auth + orig + good),
        ("origin then auth then IPv6 (odd order)", orig + auth + good),
        ("two origins", orig + orig + good),
        ("two auths", auth + auth + good),
        ("origin and nothing after", orig),
        ("auth and nothing after", auth),
        ("truncated auth", auth[:9]),
        ("truncated origin", orig[:5]),
        ("truncated IPv6 header", good[:30]),
        ("bubble", ipv6(me, v6, 59, b"")),
        ("bubble to ff02::1", ipv6(me, a6("ff02::1"), 59, b"")),
        ("empty datagram", b""),
    ]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((local, lport))
    s.settimeout(0.4)
    for name, payload in cases:
        print("%-52s sent %4d -> %s" % (name, len(payload), exchange(s, payload, (relay, rport))))

def native_cases():
    src = a6("2001:db8:6::20")
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    dsts = [
        ("mapping 0.0.0.0:4000", teredo("198.51.100.1", 4000, "0.0.0.0")),
        ("mapping 255.255.255.255:4000", teredo("198.51.100.1", 4000, "255.255.255.255")),
        ("mapping 198.51.100.255:4000 (subnet broadcast)", teredo("198.51.100.1", 4000, "198.51.100.255")),
        ("mapping 224.0.0.1:4000", teredo("198.51.100.1", 4000, "224.0.0.1")),
        ("mapping 239.1.1.1:4000", teredo("198.51.100.1", 4000, "239.1.1.1")),
        ("mapping 240.0.0.1:4000 (class E)", teredo("198.51.100.1", 4000, "240.0.0.1")),
        ("mapping 127.0.0.1:4000", teredo("198.51.100.1", 4000, "127.0.0.1")),
        ("mapping 10.0.0.1:4000", teredo("198.51.100.1", 4000, "10.0.0.1")),
        ("mapping 100.64.0.1:4000 (shared, RFC 6598)", teredo("198.51.100.1", 4000, "100.64.0.1")),
        ("mapping relay 198.51.100.3:3545", teredo("198.51.100.1", 3545, "198.51.100.3")),
        ("mapping server 198.51.100.1:3544", teredo("198.51.100.1", 3544, "198.51.100.1")),
        ("mapping 198.51.100.2 port 0", teredo("198.51.100.1", 0, "198.51.100.2")),
        ("server 0.0.0.0", teredo("0.0.0.0", 4000, "198.51.100.2")),
        ("server 255.255.255.255", teredo("255.255.255.255", 4000, "198.51.100.2")),
        ("server 224.0.0.1", teredo("224.0.0.1", 4000, "198.51.100.2")),
        ("server 127.0.0.1", teredo("127.0.0.1", 4000, "198.51.100.2")),
        ("server 240.0.0.1 (class E)", teredo("240.0.0.1", 4000, "198.51.100.2")),
        ("server = relay 198.51.100.3", teredo("198.51.100.3", 4000, "198.51.100.2")),
    ]
    for name, dst in dsts:
        s.sendto(ipv6(src, dst, 58, echo(src, dst)), (socket.inet_ntop(socket.AF_INET6, dst), 0))
        print("sent echo to", name, socket.inet_ntop(socket.AF_INET6, dst))
        time.sleep(0.05)
    # ICMPv6 errors from the native side quoting a Teredo address (a time exceeded about a packet from it)
    peer = teredo("198.51.100.1", 40000, "198.51.100.2")
    quoted = ipv6(peer, a6("2001:db8:77::1"), 58, echo(peer, a6("2001:db8:77::1")))
    err = bytearray(struct.pack("!BBHI", 3, 0, 0, 0) + quoted)
    struct.pack_into("!H", err, 2, csum(src, peer, 58, bytes(err)))
    s.sendto(ipv6(src, peer, 58, bytes(err)), (socket.inet_ntop(socket.AF_INET6, peer), 0))
    print("sent time exceeded to the trusted peer, quoting its packet")
    odd = teredo("198.51.100.1", 4000, "0.0.0.0")
    quoted = ipv6(odd, src, 58, echo(odd, src))
    err = bytearray(struct.pack("!BBHI", 1, 3, 0, 0) + quoted)
    struct.pack_into("!H", err, 2, csum(src, odd, 58, bytes(err)))
    s.sendto(ipv6(src, odd, 58, bytes(err)), (socket.inet_ntop(socket.AF_INET6, odd), 0))
    print("sent address unreachable to mapping 0.0.0.0")

def oversize(count, size):
    src = a6("2001:db8:6::20")
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IPV6, 23, 3)  # IPV6_MTU_DISCOVER = IPV6_PMTUDISC_PROBE: ignore the path MTU
    for i in range(count):
        dst = teredo("198.51.100.1", 40000, "198.51.100.2")
        pkt = ipv6(src, dst, 58, echo(src, dst, seq=i, data=b"x" * (size - 48)))
        s.sendto(pkt, (socket.inet_ntop(socket.AF_INET6, dst), 0))
        time.sleep(0.001)
    print("sent %d echo requests of %d bytes" % (count, size))

def server_cases(server, local, lport):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((local, lport))
    s.settimeout(0.4)
    me = teredo(server, lport, local)
    ll = a6("fe80::ffff:ffff:fffe")
    allr = a6("ff02::2")
    def rs(src=ll, dst=allr, opts=b"", hlim=255, code=0):
        icmp = bytearray(struct.pack("!BBHI", 133, code, 0, 0) + opts)
        struct.pack_into("!H", icmp, 2, csum(src, dst, 58, bytes(icmp)))
        return ipv6(src, dst, 58, bytes(icmp), hlim)
    native = a6("2001:db8:6::99")
    cases = [
        ("RS (control)", rs()),
        ("RS with source link-layer option", rs(opts=struct.pack("!BB6s", 1, 1, b"\x02" * 6))),
        ("RS with a zero-length option", rs(opts=struct.pack("!BB6s", 1, 0, b"\0" * 6))),
        ("RS with 30 options", rs(opts=struct.pack("!BB6s", 1, 1, b"\x02" * 6) * 30)),
        ("RS hop limit 64", rs(hlim=64)),
        ("RS code 1", rs(code=1)),
        ("RS from our Teredo address", rs(src=me)),
        ("RS to the server's link-local", rs(dst=a6("fe80::8000:f227:39cc:9bfe"))),
        ("RS from :: (unspecified)", rs(src=a6("::"))),
        ("bubble to a Teredo addr mapped 255.255.255.255", ipv6(native, teredo(server, 4000, "255.255.255.255"), 59, b"")),
        ("bubble to a Teredo addr mapped 224.0.0.1", ipv6(native, teredo(server, 4000, "224.0.0.1"), 59, b"")),
        ("bubble to a Teredo addr mapped 127.0.0.1", ipv6(native, teredo(server, 4000, "127.0.0.1"), 59, b"")),
        ("bubble to a Teredo addr mapped 0.0.0.0 port 0", ipv6(native, teredo(server, 0, "0.0.0.0"), 59, b"")),
        ("bubble to a Teredo addr mapped server:3544", ipv6(native, teredo(server, 3544, server), 59, b"")),
        ("bubble to a Teredo addr mapped 198.51.100.2:3544", ipv6(native, teredo(server, 3544, "198.51.100.2"), 59, b"")),
        ("bubble to a Teredo addr mapped another server 198.51.100.9:3544",
         ipv6(native, teredo(server, 3544, "198.51.100.9"), 59, b"")),
        ("bubble to a Teredo addr mapped 240.0.0.1 (class E)", ipv6(native, teredo(server, 4000, "240.0.0.1"), 59, b"")),
        ("bubble to ff02::1", ipv6(native, a6("ff02::1"), 59, b"")),
        ("bubble to ::1", ipv6(native, a6("::1"), 59, b"")),
        ("bubble with origin indication of 255.255.255.255",
         struct.pack("!HH4s", 0, ~4000 & 0xFFFF, b"\0\0\0\0") + ipv6(native, teredo(server, 4000, local), 59, b"")),
    ]
    for addr in (server, socket.inet_ntoa(struct.pack("!I", struct.unpack("!I", socket.inet_aton(server))[0] + 1))):
        for name, payload in cases:
            print("to %-14s %-60s sent %3d -> %s" % (addr, name, len(payload), exchange(s, payload, (addr, 3544))))

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "teredo":
        teredo_cases(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
    elif cmd == "native":
        native_cases()
    elif cmd == "oversize":
        oversize(int(sys.argv[2]), int(sys.argv[3]))
    elif cmd == "server":
        server_cases(sys.argv[2], sys.argv[3], int(sys.argv[4]))
