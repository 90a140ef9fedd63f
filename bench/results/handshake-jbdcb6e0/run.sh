#!/bin/bash
# Train an AOT cache on this branch's jar (handshake workload), then: base, new, q, aot(base), qaot (new + q + its cache), Miredo.
cd /work/wt/handshake
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PRIME_RATE=100000
rm -f /tmp/hs/hs2.aotconf
RELAYS="jmiredo@train" WARM_PEERS=100000 JAR_train=/tmp/hs/hs2.jar OPTS_train="-XX:AOTMode=record -XX:AOTConfiguration=/tmp/hs/hs2.aotconf" bench/handshake.sh
(cd /tmp/hs && $JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED -XX:AOTMode=create -XX:AOTConfiguration=/tmp/hs/hs2.aotconf -XX:AOTCache=/tmp/hs/hs2.aot -jar /tmp/hs/hs2.jar 2>&1 | tail -1)
export RELAYS="jmiredo@base jmiredo@new jmiredo@q jmiredo@aot jmiredo@qaot miredo"
export JAR_base=/tmp/hs/jmiredo.jar JAR_new=/tmp/hs/hs2.jar JAR_q=/tmp/hs/hs2.jar CONF_q="jmiredo.tun.tx-queue-length = 16384"
export JAR_aot=/tmp/hs/jmiredo.jar OPTS_aot="-XX:AOTCache=/tmp/hs/hs.aot"
export JAR_qaot=/tmp/hs/hs2.jar CONF_qaot="jmiredo.tun.tx-queue-length = 16384" OPTS_qaot="-XX:AOTCache=/tmp/hs/hs2.aot"
bench/handshake.sh
