#!/bin/bash
# usage: train.sh KIND OUT ; runs in netns $NS
set -u
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
KIND=$1; OUT=$2
FLAGS="--enable-native-access=ALL-UNNAMED -XX:+UseZGC -XX:SoftMaxHeapSize=256m"
case $KIND in
  checkconf) ip netns exec $NS $J $FLAGS -XX:AOTCacheOutput=$OUT -jar jm.jar checkconf conf.conf ;;
  mire|relay-nobody|relay)
    pre=""; cmd="relay --config conf.conf"
    [[ $KIND == mire ]] && cmd="mire --config conf.conf"
    [[ $KIND == relay-nobody ]] && pre="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
    ip netns exec $NS $pre $J $FLAGS -XX:AOTCacheOutput=$OUT -jar jm.jar $cmd > train-$KIND.log 2>&1 &
    p=$!
    for i in $(seq 400); do
      kill -0 $p 2>/dev/null || break
      ip netns exec $NS curl -sf -o /dev/null http://127.0.0.1:9544/readyz && break
      sleep 0.05
    done
    ip netns exec $NS curl -sf -o /dev/null http://127.0.0.1:9544/metrics
    kill -TERM $p 2>/dev/null; wait $p; echo "exit $?"; tail -3 train-$KIND.log;;
esac
ls -la $OUT
