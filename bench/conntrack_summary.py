#!/usr/bin/env python3
"""Table of a bench/conntrack.sh run: python3 bench/conntrack_summary.py DIR [DIR...]

One row per relay, firewall mode and point, with each run's figures side by side: loss, the relay's and the
whole machine's CPU per delivered packet, peers primed, and the relay namespace's conntrack table after the run
(entries, entries early-dropped to make room, packets dropped for a full table)."""
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

LINE = re.compile(r"^(?P<name>(?P<relay>\w+)-(?P<mode>\w+)-(?P<dir>t2i|i2t)-p(?P<peers>\d+)-run(?P<run>\d+)) (?P<kv>.*)$")


def rows(directory):
    for line in (directory / "conntrack.txt").read_text().splitlines():
        m = LINE.match(line)
        if not m:
            continue
        kv = dict(item.split("=", 1) for item in m["kv"].split())
        path = directory / (m["name"] + ".json")
        result = json.loads(path.read_text()) if path.exists() else {}
        d = result.get(m["dir"], {})
        yield (m["relay"], m["mode"], m["dir"], int(m["peers"])), {
            "loss": d.get("loss_pct", float("nan")),
            "relay_us": result.get("relay_cpu_us_per_packet", float("nan")),
            "machine_us": result.get("machine_cpu_us_per_packet", float("nan")),
            "primed": result.get("primed", 0),
            "entries": int(kv["entries"]),
            "early": int(kv["early_drop"]),
            "drop": int(kv["drop"]),
        }


def main(dirs):
    table = defaultdict(list)
    for directory in dirs:
        for key, value in rows(Path(directory)):
            table[key].append(value)
    print("| relay | mode | point | loss % | relay µs/pkt | machine µs/pkt | primed | entries | early_drop | drop |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    order = {"open": 0, "stateful": 1, "notrack": 2}
    for key in sorted(table, key=lambda k: (k[0], k[2], k[3], order.get(k[1], 9))):
        runs = table[key]
        col = lambda f, fmt: ", ".join(fmt.format(r[f]) for r in runs)
        relay, mode, direction, peers = key
        print(f"| {relay} | {mode} | {direction} {peers:,} | {col('loss', '{:.1f}')} | {col('relay_us', '{:.2f}')} | "
              f"{col('machine_us', '{:.2f}')} | {col('primed', '{:,}')} | {col('entries', '{:,}')} | "
              f"{col('early', '{:,}')} | {col('drop', '{:,}')} |")


if __name__ == "__main__":
    main(sys.argv[1:])
