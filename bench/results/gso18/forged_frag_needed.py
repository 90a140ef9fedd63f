#!/usr/bin/env python3
"""Does a forged ICMP "fragmentation needed" make the kernel refuse UDP GSO runs to the address it names?

Two namespaces (prefix jmgso-) on one veth: 'a' (198.51.100.3, the relay's socket options) and 'b'
(198.51.100.20, a host that forges the ICMP). For each IP_MTU_DISCOVER mode: a GSO run of 4 x 1,308 bytes
from a to b, then from b an ICMP type 3 code 4 (next-hop MTU 1,000) quoting a datagram a sent, then
`ip route get` on a and the same GSO run again. Run as root; removes its namespaces."""
import ctypes, os, socket, struct, subprocess, sys

A, B = "jmgso-a", "jmgso-b"
A4, B4 = "198.51.100.3", "198.51.100.20"
UDP_SEGMENT, SOL_UDP = 103, 17
MODES = {"IP_PMTUDISC_DONT": 0, "IP_PMTUDISC_OMIT": 5}


def sh(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def setup():
    sh("ip", "netns", "add", A)
    sh("ip", "netns", "add", B)
    sh("ip", "link", "add", "jmgso-va", "netns", A, "type", "veth", "peer", "jmgso-vb", "netns", B)
    for ns, dev, addr in ((A, "jmgso-va", A4), (B, "jmgso-vb", B4)):
        sh("ip", "-n", ns, "addr", "add", addr + "/24", "dev", dev)
        sh("ip", "-n", ns, "link", "set", dev, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def forged_icmp(sport, dport):
    # The quoted datagram: IPv4 header (a -> b, UDP, DF clear) and the first 8 bytes of its UDP header.
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + 1300, 0x1234, 0, 64, 17, 0,
                     socket.inet_aton(A4), socket.inet_aton(B4))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    quote = ip + struct.pack("!HHHH", sport, dport, 8 + 1300, 0)
    icmp = struct.pack("!BBHHH", 3, 4, 0, 0, 1000) + quote
    return icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]


def in_ns(ns):
    fd = os.open("/var/run/netns/" + ns, os.O_RDONLY)
    if ctypes.CDLL(None, use_errno=True).setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        os._exit(3)
    os.close(fd)


def gso_run(sock):
    try:
        sock.sendmsg([b"x" * (4 * 1308)], [(SOL_UDP, UDP_SEGMENT, struct.pack("=H", 1308))], 0, (B4, 4000))
        return "sent"
    except OSError as e:
        return "refused: " + os.strerror(e.errno)


def trial(name, mode):
    subprocess.run(["ip", "-n", A, "route", "flush", "cache"], capture_output=True)
    pid = os.fork()
    if pid == 0:
      try:
        in_ns(A)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, 10, mode)
        s.bind((A4, 3545))
        before = gso_run(s)
        r, w = os.pipe()
        child = os.fork()
        if child == 0:
            in_ns(B)
            raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
            raw.sendto(forged_icmp(3545, 4000), (A4, 0))
            os._exit(0)
        os.waitpid(child, 0)
        route = subprocess.run(["ip", "route", "get", B4], capture_output=True, text=True).stdout.strip()
        after = gso_run(s)
        print(f"{name}: GSO run before the ICMP {before}; `ip route get {B4}`: {' '.join(route.split())}; "
              f"GSO run after {after}")
        sys.stdout.flush()
      finally:
        os._exit(0)
    os.waitpid(pid, 0)


try:
    setup()
    print(sh("uname", "-r").strip())
    for name, mode in MODES.items():
        trial(name, mode)
finally:
    for ns in (A, B):
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
