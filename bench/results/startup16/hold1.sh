#!/usr/bin/env bash
# hold1.sh TAG, under the bench lock: the image's start path (image16.sh 9) the host as it was and busy
# (image-quiet-TAG.txt, image-busy-TAG.txt), then the launcher's (run.sh TAG). Log: hold1-TAG.log.
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=bench/results/startup16
TAG=${1:-run1}
date -u; uptime
$R/image16.sh 9 /work/wt/base-startup16 $PWD > $R/image-quiet-$TAG.txt 2>&1
date -u; uptime
bench/results/startup4/busy.sh $R/image16.sh 9 /work/wt/base-startup16 $PWD > $R/image-busy-$TAG.txt 2>&1
date -u; uptime
$R/run.sh $TAG
