#!/usr/bin/env python3
"""Top frames and top 'first project frame' of JFR execution/native samples (jfr print --json)."""
import collections
import json
import sys


def main():
    data = json.load(open(sys.argv[1]))
    events = data["recording"]["events"]
    top = collections.Counter()
    ours = collections.Counter()
    kinds = collections.Counter()
    threads = collections.Counter()
    for e in events:
        v = e["values"]
        kinds[e["type"]] += 1
        threads[(v.get("sampledThread") or {}).get("javaName", "?")] += 1
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        m = frames[0]["method"]
        top[m["type"]["name"] + "." + m["name"]] += 1
        for f in frames:
            name = f["method"]["type"]["name"]
            if name.startswith("org.jmiredo"):
                ours[name + "." + f["method"]["name"]] += 1
                break
    loop = collections.Counter()
    for e in events:
        v = e["values"]
        if not (v.get("sampledThread") or {}).get("javaName", "").startswith("jmiredo-loop"):
            continue
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        m = frames[0]["method"]
        name = m["type"]["name"].split("/")[-1] + "." + m["name"]
        if name in ("EPoll.wait", "Native.epollWait0"):
            loop["(idle: epoll wait)"] += 1
        else:
            loop[("java: " if e["type"] == "jdk.ExecutionSample" else "native: ") + name] += 1
    total = sum(kinds.values())
    print(f"{total} samples: {dict(kinds)}")
    print("threads:", ", ".join(f"{t} {n}" for t, n in threads.most_common(6)))
    print("\ntop frames:")
    for name, n in top.most_common(25):
        print(f"{100 * n / total:6.1f}%  {name}")
    busy = sum(n for k, n in loop.items() if not k.startswith("(idle"))
    print(f"\nevent-loop threads only: {busy} busy samples (idle epoll waits listed, not counted)")
    for name, n in loop.most_common(15):
        share = "" if name.startswith("(idle") else f"{100 * n / max(busy, 1):5.1f}% "
        print(f"{n:6d} {share} {name}")
    print("\nfirst org.jmiredo frame on the stack:")
    for name, n in ours.most_common(15):
        print(f"{100 * n / total:6.1f}%  {name}")


if __name__ == "__main__":
    main()
