#!/usr/bin/env bash
# hold3.sh, under the bench lock: this branch's LauncherOptionsTest, ContainerFilesTest and AotCacheTest#imageTrainingRun* on
# main's tree (/work/wt/base-startup16, b9079f58; the two files copied in, then restored): new-tests-on-old.txt.
B=/work/wt/base-startup16
N=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd -P)
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
for f in LauncherOptionsTest ContainerFilesTest AotCacheTest; do cp $N/src/test/java/org/jmiredo/e2e/ops/$f.java $B/src/test/java/org/jmiredo/e2e/ops/; done
cd $B && CI=true ./mvnw -B -o verify -pl e2e -am -Dtest="LauncherOptionsTest,ContainerFilesTest,AotCacheTest#imageTrainingRun*" \
  -Dsurefire.failIfNoSpecifiedTests=false > /tmp/jmstartup16-old-tests.log 2>&1
echo "rc $?"
git -C $B checkout -- src/test/java/org/jmiredo/e2e/ops/
grep -E "Tests run:|FAIL|ERROR\]   [A-Z]|expected|Expecting" /tmp/jmstartup16-old-tests.log | grep -v "^\[INFO\] *$" | head -60 > $N/bench/results/startup16/new-tests-on-old.txt
