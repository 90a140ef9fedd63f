#!/bin/bash
# The image's start path, outside a container: the entrypoint's java options, with and without a cache
# recorded by deploy/docker/aot-train.sh (the mire training run) for the same jar path.
set -eu
cd /work/wt/soak
JAR=/tmp/jmiredo-startup.jar
cmp -s relay-server/target/jmiredo.jar "$JAR" || cp -p relay-server/target/jmiredo.jar "$JAR"
OPTS="--sun-misc-unsafe-memory-access=allow -XX:+UseZGC -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
NS=jsimg$RANDOM
ip netns add $NS; trap 'ip netns del $NS' EXIT
ip -n $NS link set lo up
T=$(mktemp -d /tmp/soak-imgaot.XXXX)
ip netns exec $NS env PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:/usr/bin:/bin JMIREDO_JAR=$JAR JAVA_OPTS="$OPTS" \
  bash deploy/docker/aot-train.sh $T/jmiredo.aot deploy/docker/jmiredo.conf > $T/train.log 2>&1
ls -la $T/jmiredo.aot
echo "== image options, no cache"
RUNS=5 JM_JAVA_OPTS="$OPTS" bench/startup.sh
echo "== image options, cache from aot-train.sh (mire)"
RUNS=5 JM_JAVA_OPTS="$OPTS -XX:AOTCache=$T/jmiredo.aot" bench/startup.sh
echo "== image options, no cache (again)"
RUNS=5 JM_JAVA_OPTS="$OPTS" bench/startup.sh
rm -rf $T
