#!/usr/bin/env bash
# hold4.sh: AotCacheTest again as CI runs it, on the branch's final test (e2e-aotcache.log)
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
date -u
CI=true ./mvnw -B -o verify -pl e2e -am -Dtest=AotCacheTest,ContainerFilesTest -Dsurefire.failIfNoSpecifiedTests=false > bench/results/startup15/e2e-aotcache.log 2>&1
grep -E "Tests run:|FAIL" bench/results/startup15/e2e-aotcache.log | tail -4
date -u
