# First run (an early version of bench/handshake.sh that had AOT_RECORD=FILE, later replaced by OPTS_<label>
# with -XX:AOTMode=record): our relay (main-branch jar, recording an AOT configuration, which failed to
# become a cache because the pinned jar was deleted) and Miredo.
flock /tmp/jmiredo-bench.lock env PRIME_RATE=100000 RELAYS="jmiredo miredo" AOT_RECORD=/tmp/hs/hs.aotconf bench/handshake.sh
