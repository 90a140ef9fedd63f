#!/usr/bin/env bash
# hold4.sh TAG, under the bench lock, both cores busy: the image's start path (image16.sh 9: image-busy-TAG.txt) and the
# launcher's relay by thread (variants.sh 7, old and new: threads-TAG.txt). Log: hold4-TAG.log.
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=bench/results/startup16
TAG=${1:-run3}
date -u; uptime
bench/results/startup4/busy.sh $R/image16.sh 9 /work/wt/base-startup16 $PWD > $R/image-busy-$TAG.txt 2>&1
date -u; uptime
bench/results/startup4/busy.sh $R/variants.sh 7 old=/work/wt/base-startup16 new=$PWD > $R/threads-$TAG.txt 2>&1
date -u; uptime
