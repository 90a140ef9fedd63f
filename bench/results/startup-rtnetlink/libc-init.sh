#!/usr/bin/env bash
# Libc's class initialisation (its FFM downcall handles) in a fresh JVM, main's jar against this branch's,
# alternately, RUNS times each:
#   flock /tmp/jmiredo-bench.lock env RUNS=8 bench/results/startup-rtnetlink/libc-init.sh OLD_JAR NEW_JAR
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
CLASSES=$(mktemp -d)
trap 'rm -rf "$CLASSES"' EXIT
"$(dirname "$JAVA")/javac" -d "$CLASSES" "$HERE/LibcInit.java"
uptime
for i in $(seq "${RUNS:-8}"); do
    for pair in "main $1" "rtnetlink $2"; do
        read -r name jar <<<"$pair"
        "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$jar:$CLASSES" LibcInit "$name" 2>&1 | grep -v '^WARNING'
    done
done
