#!/usr/bin/env bash
# hold2.sh, under the bench lock: the changed e2e classes as CI runs them (e2e-changed.log).
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
date -u
CI=true ./mvnw -B -o verify -pl e2e -am -Dtest=LauncherOptionsTest,ContainerFilesTest,AotCacheTest,DeployFilesTest,EarlyStartTest,DaemonLifecycleTest \
  -Dsurefire.failIfNoSpecifiedTests=false > bench/results/startup16/e2e-changed.log 2>&1
echo "rc $?"; date -u
