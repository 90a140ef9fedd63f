#!/usr/bin/env python3
"""handshake14: the event loop's perf samples (bench/handshake.sh HS_PERF=1) split by what the loop's sendmmsg
calls were sending, and the kernel's work under them by kind. A send from the tunnel burst's flush carries
indirect bubbles (UDP GSO runs to the server), one from the UDP burst's flush the packets a reply bubble released
(one datagram per peer, each to its own mapping). "Receive side" = softirq run in the sender's context: the veth
hands the datagram to the lab's bridge, netfilter and the generator's packet socket at once.
    perf script -i perf-jmiredo-base.data --comm jmiredo-loop-3- | perf_sends.py
"""
import collections
import re
import sys

SOFTIRQ = ("__netif_receive_skb", "do_softirq", "handle_softirqs", "net_rx_action", "process_backlog")
total, who, part, incl = 0, collections.Counter(), collections.Counter(), collections.Counter()
for sample in sys.stdin.read().split("\n\n"):
    lines = [line.strip() for line in sample.strip().split("\n")[1:]]
    if not lines:
        continue
    total += 1
    syms = [re.sub(r"^[0-9a-f]+ ", "", line).rsplit(" (", 1)[0] for line in lines]
    stack = " ".join(syms)
    for key, label in (("br_handle_frame", "bridge receive"), ("nft_do_chain", "netfilter (nft)"),
                       ("packet_rcv", "the generator's AF_PACKET socket"), ("tun_", "tun driver")):
        if key in stack:
            incl[label] += 1
    if "finish_task_switch" in syms[0]:
        incl["leaf finish_task_switch (switched out and back in)"] += 1
    if "sendmmsg" not in stack and "sendBatch" not in stack:
        continue
    if any(k in stack for k in ("TunToUdpPath", "TunQueueHandle", "GuardedReceiver")):
        w = "bubbles (tunnel burst's flush)"
    elif "RelayIngress" in stack or "UdpReceiveHandle" in stack:
        w = "released packets (UDP burst's flush)"
    else:
        w = "other sends"
    who[w] += 1
    part[(w, "receive side (softirq)" if any(k in stack for k in SOFTIRQ) else "send path")] += 1
print(f"loop samples: {total}")
for k, v in who.most_common():
    print(f"{100 * v / total:5.1f} %  sendmmsg of {k}")
    for (w, p), n in sorted(part.items()):
        if w == k:
            print(f"   {100 * n / total:5.1f} %  {p}")
print("inclusive, anywhere in the loop:")
for k, v in incl.most_common():
    print(f"{100 * v / total:5.1f} %  {k}")
