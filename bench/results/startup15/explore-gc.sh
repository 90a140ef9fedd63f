#!/usr/bin/env bash
# explore-gc.sh: busy, 7 rounds: this branch's launcher as it is against the same with -XX:SoftMaxHeapSize=1g (ZGC's
# warm-up collection, at 10 % of the soft maximum, then comes after ready): what that collection costs a busy start.
# Start-up only, not a proposal (the soft maximum keeps the RSS down). -> explore-gc-busy.txt
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=bench/results/startup15
date -u; uptime
bench/results/startup4/busy.sh $R/variants.sh 7 branch=$PWD soft1g=$PWD:-XX:SoftMaxHeapSize=1g > $R/explore-gc-busy.txt 2>&1
date -u; uptime
