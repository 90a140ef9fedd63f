#!/usr/bin/env bash
# Helper perf9, ninth iteration: IPv6->Teredo at 90 % of the saturation of each run for 60 s, with the tunnel's
# transmit queue at the default (tun.tx-queue-length = 4096) and longer (TUN_QLEN sets the device's txqueuelen
# after start), alternating A B C C B A in one lock session; the seventh iteration's settings (ZGC, 2,000 pkt/s
# of return traffic) plus LAB_NICE=-10 (other helpers' e2e tests share the 2 cores) and SAMPLE=1 (bursts.txt).
#   flock /tmp/jmiredo-bench.lock bench/results/ninth-i2tq/run.sh > bench/results/ninth-i2tq/out.txt 2>&1
cd "$(dirname "$0")/../../.."
here=bench/results/ninth-i2tq
for q in ${QLENS:-4096 16384 65536 65536 16384 4096}; do
  echo "##### qlen $q $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  extra=()
  [[ $q == 4096 ]] || extra=(TUN_QLEN=$q)
  env "${extra[@]}" LAB_NICE=-10 SAMPLE=1 RETURN_RATE=2000 DIR=i2t DURATION=60 RESULTS=$here \
    JM_JAVA_OPTS="-XX:+UseZGC -XX:SoftMaxHeapSize=256m -XX:InitialHeapSize=16m" bench/soak.sh 2>&1
  echo "results: $(ls -td $here/soak-* | head -1)"
done
