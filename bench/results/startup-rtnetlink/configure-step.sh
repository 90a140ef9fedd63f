#!/usr/bin/env bash
# The tunnel's set-up alone, old (main's jar: IpRoute2Configurator, 3 ip forks) against new (this branch's
# jar: RtnetlinkConfigurator), alternately, RUNS fresh JVMs each, in a throw-away namespace:
#   flock /tmp/jmiredo-bench.lock env RUNS=10 bench/results/startup-rtnetlink/configure-step.sh OLD_JAR NEW_JAR
set -euo pipefail
RUNS=${RUNS:-10}
HERE=$(cd "$(dirname "$0")" && pwd)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
NS=jsc$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
# Compiled once, ahead (the source launcher would run javac in each measured JVM first).
CLASSES=$(mktemp -d)
trap 'ip netns del "$NS" 2>/dev/null || true; rm -rf "$CLASSES"' EXIT
"$(dirname "$JAVA")/javac" -d "$CLASSES" -cp "$2" "$HERE/ConfigureStep.java"
uptime
for run in $(seq "$RUNS"); do
    for pair in "IpRoute2Configurator $1" "RtnetlinkConfigurator $2"; do
        read -r class jar <<<"$pair"
        echo -n "run $run, "
        ip netns exec "$NS" "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$jar:$CLASSES" ConfigureStep "$class" 2>&1 \
            | grep -v '^WARNING'
    done
done
