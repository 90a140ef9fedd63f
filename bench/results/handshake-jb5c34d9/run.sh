#!/bin/bash
# The combination (this branch's jar, tun.tx-queue-length = 16384, its handshake-trained AOT cache) against the same jar plain, and Miredo, twice.
cd /work/wt/handshake
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PRIME_RATE=100000 REPEAT=2
export RELAYS="jmiredo@new jmiredo@qaot miredo"
export JAR_new=/tmp/hs/hs2.jar JAR_qaot=/tmp/hs/hs2.jar CONF_qaot="jmiredo.tun.tx-queue-length = 16384" OPTS_qaot="-XX:AOTCache=/tmp/hs/hs2.aot"
bench/handshake.sh
