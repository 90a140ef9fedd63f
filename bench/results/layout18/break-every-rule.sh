#!/bin/bash
# Breaks every layout rule once (imports added on purpose, a package not in the table, a long file and method),
# to show that PipelineLayoutTest and ServerLayoutTest fail. Undo with: git checkout -- relay-pipeline/src/main
# relay-server/src/main, and remove proto/Long1.java and the two util packages it adds.
set -e
cd "$(git rev-parse --show-toplevel)"
P=relay-pipeline/src/main/java/org/jmiredo
S=relay-server/src/main/java/org/jmiredo/server
# pipeline: proto -> engine (against the table)
sed -i 's/^import io.netty.buffer.ByteBuf;/import io.netty.buffer.ByteBuf;\nimport org.jmiredo.engine.Clock;/' $P/proto/TeredoHeaders.java
# pipeline: Netty transport in tun; FFM in metrics
sed -i '0,/^import /s//import io.netty.channel.Channel;\nimport /' $P/tun/TunQueue.java
sed -i '0,/^import /s//import java.lang.foreign.Linker;\nimport /' $P/metrics/DropReason.java
# pipeline: a package not in the table
mkdir -p $P/util && printf 'package org.jmiredo.util;\n\nfinal class Stray {}\n' > $P/util/Stray.java
# pipeline: a file over 400 lines and a method over 60
{ printf 'package org.jmiredo.proto;\n\nfinal class Long1 {\n    static int f() {\n        int x = 0;\n'; for i in $(seq 70); do echo '        x++;'; done; printf '        return x;\n    }\n'; for i in $(seq 340); do echo '    // filler'; done; echo '}'; } > $P/proto/Long1.java
# server: FFM outside sys; sys using netlink; epoll in metrics; a sub-package using server; a stray package
sed -i '0,/^import /s//import java.lang.foreign.Linker;\nimport /' $S/netlink/Ipv6Text.java
sed -i '0,/^import /s//import org.jmiredo.server.netlink.Ipv6Text;\nimport /' $S/sys/DatagramBatch.java
sed -i '0,/^import /s//import io.netty.channel.epoll.Epoll;\nimport org.jmiredo.server.Main;\nimport /' $S/metrics/DataPathMetrics.java
mkdir -p $S/util && printf 'package org.jmiredo.server.util;\n\nfinal class Stray {\n    static int f() {\n        int x = 0;\n' > $S/util/Stray.java && { for i in $(seq 70); do echo '        x++;'; done; printf '        return x;\n    }\n'; for i in $(seq 340); do echo '    // filler'; done; echo '}'; } >> $S/util/Stray.java
