#!/usr/bin/env python3
"""Where an event loop's time goes, from `perf script` output of a relay run (bench/profile.sh PERF=1).

Reads the samples of the busiest thread (or --comm), and prints two splits: by the leaf frame's kind
(kernel, Java JIT code, JVM, libc, ...), and by the syscall/native call the kernel time is under (named
by one of the first frames above the kernel), and the hottest Java leaf frames.
    perf script -i perf.data | bench/perf_split.py
"""
import collections
import re
import sys

CALLS = [  # (substring of a frame just above the kernel, label): the first key found wins
    ("writeAddress", "TUN write(2)"), ("readAddress", "TUN read(2)"), ("readPlain", "TUN read(2)"),
    ("recvmmsg", "recvmmsg"), ("sendmmsg", "sendmmsg"), ("sendmsg", "sendmsg"), ("epoll", "epoll_wait"),
    ("getsockopt", "getsockopt"), ("write", "other write"), ("read", "other read"),
]
WINDOW = 3  # the frames above the kernel searched: the C library's, then the Java (or JNI) caller's


def samples(lines):
    comm, frames = None, []
    for line in lines:
        if not line.strip():
            if comm is not None:
                yield comm, frames
            comm, frames = None, []
        elif not line.startswith((" ", "\t")):
            comm = line.split()[0]
        else:
            m = re.match(r"\s*[0-9a-f]+ (.*) \((.*)\)$", line)
            if m:
                frames.append((m.group(1), m.group(2)))
    if comm is not None:
        yield comm, frames


def kind(frame):
    sym, dso = frame
    if "kernel" in dso:
        return "kernel"
    if dso.startswith("/tmp/perf-"):
        return "Java (JIT, interpreter, stubs)"
    if "libjvm" in dso:
        return "JVM (libjvm: JNI, GC, runtime)"
    if "netty" in dso:
        return "Netty native (JNI glue)"
    return "libc and other native"


def main():
    want = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--comm" else None
    all_samples = list(samples(sys.stdin))
    if want is None:
        want = collections.Counter(c for c, _ in all_samples).most_common(1)[0][0]
    loop = [f for c, f in all_samples if c == want and f]
    n = len(loop)
    print(f"thread {want}: {n} samples")
    kinds = collections.Counter(kind(f[0]) for f in loop)
    for k, v in kinds.most_common():
        print(f"  {100 * v / n:5.1f} %  {k}")
    print("kernel time by call:")
    calls = collections.Counter()
    for f in loop:
        if kind(f[0]) != "kernel":
            continue
        above = [sym for sym, dso in f if "kernel" not in dso][:WINDOW]
        label = next((lab for key, lab in CALLS if any(key in sym for sym in above)), "interrupt/other")
        calls[label] += 1
    for k, v in calls.most_common():
        print(f"  {100 * v / n:5.1f} %  {k}")
    print("hottest Java leaf frames:")
    java = collections.Counter(re.sub(r"\+0x[0-9a-f]+$", "", f[0][0]) for f in loop if kind(f[0]).startswith("Java"))
    for k, v in java.most_common(25):
        print(f"  {100 * v / n:5.1f} %  {k[:150]}")


if __name__ == "__main__":
    main()
