#!/bin/bash
# The branch as it ends (default tun.tx-queue-length 4096, Java changes) against the main-branch jar and Miredo, twice.
cd /work/wt/handshake
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PRIME_RATE=100000 REPEAT=2
export RELAYS="jmiredo@base jmiredo@final miredo"
export JAR_base=/tmp/hs/jmiredo.jar JAR_final=/tmp/hs/final.jar
bench/handshake.sh
