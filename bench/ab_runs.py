"""The result directories of an old-against-new run, split by jar: shared by the results' summarize.py scripts.

Each directory bench/lab.sh wrote holds machine.txt (its first line the start, then the jar's sha256 and the
load average) and the generator's JSON results. A script puts bench/ on sys.path and calls load().
"""
import json
import pathlib


def load(directory, old_sha, new_sha, key):
    """{"old": [...], "new": [...]}: per side, (name, load average, {key(result): result}) in start order,
    for each directory whose machine.txt names OLD_SHA or NEW_SHA (the first 12 hex digits of a jar's sha256)."""
    runs = {"old": [], "new": []}
    dirs = [p for p in pathlib.Path(directory).iterdir() if (p / "machine.txt").exists()]
    for d in sorted(dirs, key=lambda p: (p / "machine.txt").read_text().splitlines()[0]):
        machine = (d / "machine.txt").read_text()
        side = "old" if old_sha in machine else "new" if new_sha in machine else None
        if side is None:
            continue
        load_avg = next(line.split(": ")[1] for line in machine.splitlines() if line.startswith("loadavg"))
        points = {}
        for f in d.glob("jmiredo-p*-i2t-*.json"):
            r = json.loads(f.read_text())
            points[key(r)] = r
        runs[side].append((d.name, load_avg, points))
    for side in ("old", "new"):
        print(side, ", ".join(f"{name} (load {load_avg})" for name, load_avg, _ in runs[side]))
    return runs
