#!/bin/bash
# tun.read-budget 256 (more priming packets per wake-up, their bubbles in one sendmmsg) with and without the 16,384 queue; this branch's jar.
cd /work/wt/handshake
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PRIME_RATE=100000 REPEAT=2
export RELAYS="jmiredo@new jmiredo@rb jmiredo@q16k jmiredo@q16krb"
export JAR_new=/tmp/hs/hs2.jar JAR_rb=/tmp/hs/hs2.jar JAR_q16k=/tmp/hs/hs2.jar JAR_q16krb=/tmp/hs/hs2.jar
export CONF_rb="jmiredo.tun.read-budget = 256" CONF_q16k="jmiredo.tun.tx-queue-length = 16384"
export CONF_q16krb="jmiredo.tun.tx-queue-length = 16384
jmiredo.tun.read-budget = 256"
bench/handshake.sh
