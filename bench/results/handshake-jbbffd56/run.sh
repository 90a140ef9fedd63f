# Main-branch jar, this branch's jar of 10:23 (/tmp/hs/hs1.jar: the tx-queue-length key) with a 16,384 queue,
# the main-branch jar with the AOT cache, Miredo; twice.
flock /tmp/jmiredo-bench.lock env PRIME_RATE=100000 RELAYS="jmiredo@base jmiredo@q jmiredo@aot miredo" REPEAT=2 \
    JAR_base=/tmp/hs/jmiredo.jar JAR_aot=/tmp/hs/jmiredo.jar OPTS_aot="-XX:AOTCache=/tmp/hs/hs.aot" \
    JAR_q=/tmp/hs/hs1.jar CONF_q="jmiredo.tun.tx-queue-length = 16384" bench/handshake.sh
