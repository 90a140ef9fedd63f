#!/usr/bin/env python3
"""What the JIT compiled during a JFR recording (bench/handshake.sh HS_JFR=1 records every compilation of the
measured call): time by tier, the methods that took the most compiler time (a method compiled again after a
deoptimization counts each time) with the bytecode C2 inlined into them and the code it made (both do not
depend on the host's load), and the deoptimizations by method and reason.
Durations are wall-clock: on a busy host a compiler thread waiting for a CPU counts the wait, so compare shares,
not seconds, and take CPU seconds from the thread counters (bench/handshake_summary.py).
    jfr print --json --events jdk.Compilation,jdk.Deoptimization handshake-jmiredo.jfr | bench/jfr_compiles.py [TOP]
"""
import collections
import json
import sys


def seconds(duration):
    # JFR's JSON durations read like "PT0.001234S"
    return float(duration[2:-1]) if duration.startswith("PT") and duration.endswith("S") else 0.0


def name(method):
    return method["type"]["name"].split("/")[-1] + "::" + method["name"]


def main():
    top_n = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    events = json.load(sys.stdin)["recording"]["events"]
    by_tier = collections.Counter()
    count_by_tier = collections.Counter()
    by_method = collections.Counter()
    times = collections.Counter()
    inlined = collections.Counter()
    code = collections.Counter()
    deopts = collections.Counter()
    for e in events:
        v = e["values"]
        if e["type"] == "jdk.Compilation":
            tier = v.get("compileLevel", 0)
            d = seconds(v.get("duration", "PT0S"))
            by_tier[tier] += d
            count_by_tier[tier] += 1
            if tier == 4:
                key = name(v["method"]) + (" (OSR)" if v.get("isOsr") else "")
                by_method[key] += d
                times[key] += 1
                inlined[key] += int(v.get("inlinedBytes", 0))
                code[key] += int(v.get("codeSize", 0))
        elif e["type"] == "jdk.Deoptimization":
            deopts[name(v["method"]) + ": " + str(v.get("reason")) + " " + str(v.get("action"))] += 1
    for tier in sorted(by_tier):
        print(f"tier {tier}: {count_by_tier[tier]} compilations, {by_tier[tier]:.3f} s")
    total = by_tier[4] or 1
    print(f"C2 (tier 4): {sum(inlined.values())} bytes of bytecode inlined, {sum(code.values())} bytes of code")
    print(f"C2, the {top_n} methods that took longest (time, share, times compiled, bytecode inlined, code):")
    for key, d in by_method.most_common(top_n):
        print(f"  {d:7.3f} s {d / total * 100:5.1f} %  x{times[key]}  {inlined[key]:6d} B  {code[key]:6d} B  {key}")
    print(f"deoptimizations: {sum(deopts.values())}")
    for key, n in deopts.most_common(top_n):
        print(f"  {n:4d}  {key}")


if __name__ == "__main__":
    main()
