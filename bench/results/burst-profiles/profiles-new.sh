#!/usr/bin/env bash
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
cd "$(dirname "$0")/../../.."
for d in i2t t2i; do
  PERF=1 DIR=$d PEERS=100000 SIZE=80 RATE=100000 DURATION=8 bench/profile.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu"
  out=$(ls -td bench/results/profile-* | head -1)
  echo "$d $out"
  head -16 $out/split.txt
done
