#!/bin/bash
# The peer table's split (PeerFields, SlotQueues, Eviction) old against new: JMH, alternating a (main 1ce40ff6)
# and b (branch layout18) per round. Run from the repository root, holding the bench lock:
#   flock /tmp/jmiredo-bench.lock bench/results/layout18/run.sh
set -euo pipefail
out=bench/results/layout18
export JAR_A=${JAR_A:-/tmp/layout18/base.jar} JAR_B=${JAR_B:-/tmp/layout18/new.jar}
BENCH='PeerTableBench.(lookup|lookupBatch)$|EvictionBench.insertEvicting$' PARAMS=peers=1000000 ROUNDS="1 2" \
    bench/jmh-ab.sh "$out/jmh-table" | tee "$out/jmh-table.txt"
BENCH='DataPathBench.(udpToTun|tunToUdp)$' PARAMS=peers=1,100000 ROUNDS="1 2" \
    bench/jmh-ab.sh "$out/jmh-datapath" | tee "$out/jmh-datapath.txt"
# The one pair that differed by more than its noise in rounds 1 and 2 (udpToTun at 100,000 peers), three rounds more:
BENCH='DataPathBench.udpToTun$' PARAMS=peers=100000 ROUNDS="3 4 5" \
    bench/jmh-ab.sh "$out/jmh-datapath" | tee "$out/jmh-datapath-more.txt"
# Then, the host quieter, the two pairs that moved most in rounds 1 and 2 (lookup 1.06 to 1.07, udpToTun at 100,000
# peers 1.30 then 0.89), three rounds each:
BENCH='PeerTableBench.lookup$' PARAMS=peers=1000000 ROUNDS="1 2 3" \
    bench/jmh-ab.sh "$out/jmh-confirm-lookup" | tee "$out/jmh-confirm-lookup.txt"
BENCH='DataPathBench.udpToTun$' PARAMS=peers=100000 ROUNDS="1 2 3" \
    bench/jmh-ab.sh "$out/jmh-confirm-udptotun" | tee "$out/jmh-confirm-udptotun.txt"
