# AOT training on the main-branch jar (commit e018c94), kept in place at /tmp/hs/jmiredo.jar; then the cache.
cp -p relay-server/target/jmiredo.jar /tmp/hs/jmiredo.jar
flock /tmp/jmiredo-bench.lock env PRIME_RATE=100000 WARM_PEERS=100000 RELAYS="jmiredo@train" JAR_train=/tmp/hs/jmiredo.jar \
    OPTS_train="-XX:AOTMode=record -XX:AOTConfiguration=/tmp/hs/hs.aotconf" bench/handshake.sh
cd /tmp/hs && java --enable-native-access=ALL-UNNAMED -XX:AOTMode=create -XX:AOTConfiguration=hs.aotconf -XX:AOTCache=hs.aot -jar /tmp/hs/jmiredo.jar
