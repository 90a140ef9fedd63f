#!/usr/bin/env bash
# Second hold of the bench lock: the image's start path with both cores busy (image.sh 7, old against new), then the
# e2e classes this branch changed as CI runs them, then the new AotCacheTest against the old tree (it must fail).
#   flock /tmp/jmiredo-bench.lock bench/results/startup14/hold2.sh
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=$PWD/bench/results/startup14
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
date -u; uptime
bench/results/startup4/busy.sh $R/image.sh 7 /work/wt/base-startup14 $PWD > $R/image-busy.txt 2>&1
date -u; uptime
CI=true ./mvnw -B -o verify -pl e2e -am -Dtest=AotCacheTest,LauncherOptionsTest,ContainerFilesTest,DeployFilesTest \
  -Dsurefire.failIfNoSpecifiedTests=false > $R/e2e-changed.log 2>&1; echo "e2e rc=$?"
grep -E 'Tests run:|FAIL|ERROR\]' $R/e2e-changed.log | tail -15
date -u
# The new tests against the old tree: its launcher, deploy files and jar (the class path: this tree's test classes).
(cd /work/wt/base-startup14/e2e && timeout 600 $JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -Djmiredo.jar=/work/wt/base-startup14/relay-server/target/jmiredo.jar \
  -Djmiredo.java=$JAVA_HOME/bin/java -cp "$(cat /tmp/jmstartup14/cp.txt)" $R/../flaky13/Repeat.java 1 \
  org.jmiredo.e2e.ops.AotCacheTest org.jmiredo.e2e.ops.LauncherOptionsTest org.jmiredo.e2e.ops.ContainerFilesTest) \
  > $R/new-tests-on-old.txt 2>&1
grep -E 'runs 1' $R/new-tests-on-old.txt
date -u
