#!/bin/bash
# Base (main) jar, this branch's jar, this branch with tun.tx-queue-length = 16384, base jar with the handshake-trained AOT cache, Miredo.
cd /work/wt/handshake
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PRIME_RATE=100000
export RELAYS="jmiredo@base jmiredo@new jmiredo@q jmiredo@aot miredo"
export JAR_base=/tmp/hs/jmiredo.jar JAR_new=/tmp/hs/hs2.jar JAR_q=/tmp/hs/hs2.jar CONF_q="jmiredo.tun.tx-queue-length = 16384"
export JAR_aot=/tmp/hs/jmiredo.jar OPTS_aot="-XX:AOTCache=/tmp/hs/hs.aot"
bench/handshake.sh
