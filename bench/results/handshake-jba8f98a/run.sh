#!/bin/bash
# tun.tx-queue-length: the kernel's 500 against 4096 and 16384 (this branch's jar), and Miredo, twice.
cd /work/wt/handshake
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PRIME_RATE=100000 REPEAT=2
export RELAYS="jmiredo@new jmiredo@q4k jmiredo@q16k miredo"
export JAR_new=/tmp/hs/hs2.jar JAR_q4k=/tmp/hs/hs2.jar JAR_q16k=/tmp/hs/hs2.jar
export CONF_q4k="jmiredo.tun.tx-queue-length = 4096" CONF_q16k="jmiredo.tun.tx-queue-length = 16384"
bench/handshake.sh
