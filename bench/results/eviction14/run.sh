#!/bin/sh
# Old (main at db3170fc) against new (branch eviction14), alternating a, b per round (bench/jmh-ab.sh):
#   old.jar   relay-bench built at db3170fc;  new.jar   relay-bench built at this branch (with EvictionBench.insertForged)
# Usage: flock /tmp/jmiredo-bench.lock bench/results/eviction14/run.sh (about 16 min in all: it was run as three holds)
set -e
dir=$(cd "$(dirname "$0")" && pwd)
ab="$dir/../../jmh-ab.sh"
export JAR_A=${JAR_A:-/tmp/ev14/old.jar} JAR_B=${JAR_B:-/tmp/ev14/new.jar}
# A new peer into a full table of a million (every insert evicts one); insertForged runs on b only.
BENCH='EvictionBench' PARAMS='trusted=true,false' ROUNDS='1 2' "$ab" "$dir/eviction" | tee "$dir/eviction.txt"
# Inserts into an empty table of a million (no eviction): the insert path itself.
BENCH='PeerTableBench.insertAll' PARAMS='peers=1000000' ROUNDS='1 2' "$ab" "$dir/insert" | tee "$dir/insert.txt"
# The per-packet path from UDP (an accepted packet of a known peer): unchanged, checked.
BENCH='DataPathBench.udpToTun$' PARAMS='peers=100000' ROUNDS='1 2' "$ab" "$dir/datapath" | tee "$dir/datapath.txt"
# More rounds of the two comparisons, the host being noisy (insertEvicting only), run as a second lock hold:
BENCH='EvictionBench.insertEvicting' PARAMS='trusted=true,false' ROUNDS='3 4 5 6' "$ab" "$dir/eviction" | tee "$dir/eviction-more.txt"
BENCH='PeerTableBench.insertAll' PARAMS='peers=1000000' ROUNDS='3 4 5 6 7 8' "$ab" "$dir/insert" | tee "$dir/insert-more.txt"
# Rounds 7 to 10: new.jar rebuilt at 55cdd07 (the first look tests the untrusted case first); rounds 1 to 6 are of
# 565bfd9's jar (FRESH tested first). Run as its own lock hold:
BENCH='EvictionBench' PARAMS='trusted=true,false' ROUNDS='7 8 9 10' "$ab" "$dir/eviction" | tee "$dir/eviction-final.txt"
