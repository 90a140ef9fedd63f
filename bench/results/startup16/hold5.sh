#!/usr/bin/env bash
# hold5.sh, under the bench lock: relay-pipeline's and relay-server's module tests as CI runs them (relay-server-tests.log).
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
date -u
CI=true ./mvnw -B -o -pl relay-server -am test > bench/results/startup16/relay-server-tests.log 2>&1
echo "rc $?"; date -u
