#!/usr/bin/env bash
# Old against new, alternating, one lock (helper readv): main as it was (/work/wt/base, tun.offload off by
# default) against this branch with tun.offload = auto and = off. Run as:
#   ROUNDS=3 flock /tmp/jmiredo-bench.lock bash bench/results/readv-old-vs-new/run.sh >output-2.txt
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
for round in $(seq "${ROUNDS:-2}"); do
  for variant in base:off readv:auto readv:off; do
    tree=/work/wt/${variant%%:*}; mode=${variant##*:}
    echo "##### round $round $tree offload=$mode"
    (cd "$tree" && JM_CONF_EXTRA="jmiredo.tun.offload = $mode" RELAYS=jmiredo PEERS=100000 SIZES=80 \
        DIRS="t2i i2t" RATES="100000 0" RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 \
        | grep -E "^(t2i|i2t) |relay cpu|results|offloads")
  done
done
