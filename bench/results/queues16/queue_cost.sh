#!/usr/bin/env bash
# queues16: QueueCost (the live heap and direct memory of queued copies against their charge, through the tree's own
# PeerTable and Netty's adaptive allocator) under G1 and ZGC, for main's tree (OLD) and this branch's (NEW),
# alternating; both trees' relay-pipeline classes built (./mvnw -q -B -o -pl relay-pipeline -am compile).
#   bench/results/queues16/queue_cost.sh OLD_TREE NEW_TREE [PEERS]   (from the repository root)
set -euo pipefail
OLD=$(realpath "$1"); NEW=$(realpath "$2"); PEERS=${3:-16384}
HERE=$(cd "$(dirname "$0")" && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
M=$HOME/.m2/repository/io/netty
NETTY="$M/netty-buffer/4.2.18.Final/netty-buffer-4.2.18.Final.jar:$M/netty-common/4.2.18.Final/netty-common-4.2.18.Final.jar"
OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT
for t in OLD NEW; do
  mkdir -p "$OUT/$t"
  "$JAVA_HOME/bin/javac" -nowarn -cp "${!t}/relay-pipeline/target/classes:$NETTY" -d "$OUT/$t" "$HERE/QueueCost.java"
done
echo "# $(date -u); PEERS=$PEERS"
for spec in "40 48" "4 1280" "44 48" "30 200" "1 1280" "1 48"; do
  for gc in -XX:+UseG1GC -XX:+UseZGC; do
    for t in OLD NEW; do
      set -- $spec
      "$JAVA_HOME/bin/java" $gc -Xmx2g --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
        -cp "$OUT/$t:${!t}/relay-pipeline/target/classes:$NETTY" org.jmiredo.peer.QueueCost "$PEERS" "$1" "$2"
    done
  done
done
