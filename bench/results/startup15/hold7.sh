#!/usr/bin/env bash
# hold7.sh: relay-server's unit tests (DaemonLifecycle now sets the soft target at ready: relay-server-tests.log) and
# rss.sh 3 (rss.txt)
cd "$(dirname "$(readlink -f "$0")")/../../.." || exit 1
R=$PWD/bench/results/startup15
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
date -u
$R/rss.sh 3 > $R/rss.txt 2>&1
cat $R/rss.txt
date -u
./mvnw -B -o -pl relay-server -am test > $R/relay-server-tests.log 2>&1
grep -E "Tests run:.*Fail|BUILD" $R/relay-server-tests.log | tail -3
date -u
