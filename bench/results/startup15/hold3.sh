#!/usr/bin/env bash
# hold3.sh: under one bench lock, the changed e2e classes as CI runs them on this branch (e2e-changed.log), then the same
# test files on main's tree (/work/wt/base-startup15, its own launcher, entrypoint and deploy files; restored after):
# new-tests-on-old.txt
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=$PWD/bench/results/startup15
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
T=AotCacheTest,LauncherOptionsTest,ContainerFilesTest,DeployFilesTest
date -u
CI=true ./mvnw -B -o verify -pl e2e -am -Dtest=$T -Dsurefire.failIfNoSpecifiedTests=false > $R/e2e-changed.log 2>&1
grep -E "Tests run:|FAIL|ERROR\]" $R/e2e-changed.log | tail -8
date -u
B=/work/wt/base-startup15
for f in AotCacheTest LauncherOptionsTest ContainerFilesTest; do cp src/test/java/org/jmiredo/e2e/ops/$f.java $B/src/test/java/org/jmiredo/e2e/ops/; done
(cd $B && CI=true ./mvnw -B -o verify -pl e2e -am -Dtest=AotCacheTest,LauncherOptionsTest,ContainerFilesTest \
  -Dsurefire.failIfNoSpecifiedTests=false > /tmp/jmstartup15/old-tests.log 2>&1)
grep -E "Tests run:|\[ERROR\]   [A-Za-z]+Test\.|FAILURE" /tmp/jmstartup15/old-tests.log | grep -v "^\[INFO\] Tests run: .*, Time" > $R/new-tests-on-old.txt
git -C $B checkout -- src/test/java/org/jmiredo/e2e/ops/
cat $R/new-tests-on-old.txt
date -u
