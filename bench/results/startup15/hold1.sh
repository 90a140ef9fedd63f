#!/usr/bin/env bash
# hold1.sh TAG: under one bench lock, the closing start-up runs (run.sh TAG, with the per-thread split) and the image's
# start path with both cores busy (image15.sh 9): hold1-TAG.log, image-busy-TAG.txt
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=bench/results/startup15
TAG=${1:-run1}
THREADS=1 $R/run.sh $TAG
date -u; uptime
bench/results/startup4/busy.sh $R/image15.sh 9 /work/wt/base-startup15 $PWD > $R/image-busy-$TAG.txt 2>&1
date -u; uptime
