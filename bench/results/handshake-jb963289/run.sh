# The main-branch jar with and without the handshake-trained AOT cache (handshake-jb9952e5), and Miredo, twice.
flock /tmp/jmiredo-bench.lock env PRIME_RATE=100000 RELAYS="jmiredo@base jmiredo@aot miredo" REPEAT=2 JAR_base=/tmp/hs/jmiredo.jar \
    JAR_aot=/tmp/hs/jmiredo.jar OPTS_aot="-XX:AOTCache=/tmp/hs/hs.aot" bench/handshake.sh
