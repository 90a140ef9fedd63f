#!/bin/bash
# JFR of the measured handshake, this branch's jar (cold, no AOT cache, kernel txqueuelen).
cd /work/wt/handshake
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PRIME_RATE=100000 HS_JFR=1
RELAYS="jmiredo@new" JAR_new=/tmp/hs/hs2.jar bench/handshake.sh
