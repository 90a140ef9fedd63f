#!/usr/bin/env bash
# hold6.sh: after the soft heap target change, the launcher's e2e classes as CI runs them (e2e-final.log) and the new
# LauncherOptionsTest on main's tree (launcher-on-old.txt; restored after)
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=$PWD/bench/results/startup15
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
date -u
CI=true ./mvnw -B -o verify -pl e2e -am -Dtest=LauncherOptionsTest,AotCacheTest,ContainerFilesTest,DeployFilesTest \
  -Dsurefire.failIfNoSpecifiedTests=false > $R/e2e-final.log 2>&1
grep -E "Tests run:|FAIL" $R/e2e-final.log | tail -6
B=/work/wt/base-startup15
cp src/test/java/org/jmiredo/e2e/ops/LauncherOptionsTest.java $B/src/test/java/org/jmiredo/e2e/ops/
(cd $B && CI=true ./mvnw -B -o verify -pl e2e -am -Dtest=LauncherOptionsTest -Dsurefire.failIfNoSpecifiedTests=false > /tmp/jmstartup15/old-launcher.log 2>&1)
grep -E "Tests run:|\[ERROR\]   [A-Za-z]+Test\." /tmp/jmstartup15/old-launcher.log | grep -v "Time elapsed" > $R/launcher-on-old.txt
git -C $B checkout -- src/test/java/org/jmiredo/e2e/ops/
cat $R/launcher-on-old.txt
date -u
