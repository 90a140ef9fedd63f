#!/bin/bash
# Container entrypoint: runs the jmiredo daemon in the foreground as PID 1's child (or PID 1).
#
#   docker run ... jmiredo:TAG --config /etc/jmiredo/jmiredo.conf   -> java ... -jar jmiredo.jar relay --config ...
#
# Environment:
#   JAVA_OPTS         JVM options, split on white space (no quoting inside). Default: ZGC, a heap of at
#                     most half the container's memory limit (the other half is for Netty's direct
#                     buffers, metaspace, threads and the JIT), exit (and be restarted) on OOM. Without a
#                     memory limit "half" means half the host's memory: set a limit, or -Xmx.
#   JMIREDO_COMMAND   the daemon's sub-command; default "relay".
#   JMIREDO_JAR       the shaded jar; default /opt/jmiredo/jmiredo.jar.
#   JMIREDO_AOT_CACHE the JDK's AOT cache, made at image build by aot-train.sh; default
#                     /opt/jmiredo/jmiredo.aot, used when the file exists. It fits the image's JAVA_OPTS:
#                     with another collector the JVM says it cannot map it and starts without; set it
#                     empty then.
#
# The JVM handles SIGTERM (orderly shutdown: routes and the TUN device are removed, unless
# jmiredo.tun.persistent: the host's device stays as it is) and SIGHUP (reload);
# exec keeps the signals going straight to it.
set -euo pipefail

: "${JAVA_OPTS=-XX:+UseZGC -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError}"
: "${JMIREDO_COMMAND:=relay}"
: "${JMIREDO_JAR:=/opt/jmiredo/jmiredo.jar}"
: "${JMIREDO_AOT_CACHE=/opt/jmiredo/jmiredo.aot}"

# Flags every launch needs: FFM downcalls (TUN ioctls) and Netty's native transport (see the root pom's
# jvm.native.flags; the jar's manifest also says Enable-Native-Access, which covers -jar only).
native_flags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

# Deliberate word splitting of JAVA_OPTS; read -a does it without glob expansion.
read -r -a java_opts <<<"$JAVA_OPTS"

# Classes already parsed, verified and linked, mapped from the cache: a faster start.
aot=()
[[ -z "$JMIREDO_AOT_CACHE" || ! -f "$JMIREDO_AOT_CACHE" ]] || aot=("-XX:AOTCache=$JMIREDO_AOT_CACHE")

exec java "${native_flags[@]}" "${java_opts[@]}" "${aot[@]}" -jar "$JMIREDO_JAR" "$JMIREDO_COMMAND" "$@"
