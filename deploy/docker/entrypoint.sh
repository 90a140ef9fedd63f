#!/bin/bash
# Container entrypoint: runs the jmiredo daemon in the foreground as PID 1's child (or PID 1).
#
#   docker run ... jmiredo:TAG --config /etc/jmiredo/jmiredo.conf   -> java ... -jar jmiredo.jar relay --config ...
#
# Environment:
#   JAVA_OPTS         JVM options, split on white space (no quoting inside). Default: ZGC, a heap of at
#                     most half the container's memory limit (the other half is for Netty's direct
#                     buffers, metaspace, threads and the JIT), exit (and be restarted) on OOM. Without a
#                     memory limit "half" means half the host's memory: set a limit, or -Xmx. C1's
#                     thresholds x5 (-XX:Tier3...): a start compiles less code it runs once, as bin/jmiredo
#                     does (BENCHMARKS.md, "Fourteenth iteration: start-up").
#   JMIREDO_COMMAND   the daemon's sub-command; default "relay".
#   JMIREDO_JAR       the shaded jar; default /opt/jmiredo/jmiredo.jar.
#   JMIREDO_AOT_CACHE the start-up cache, made at image build by aot-train.sh; default
#                     /opt/jmiredo/jmiredo.jsa, used when the file exists: a dynamic CDS archive (*.jsa,
#                     for ZGC, whose JDK 25 AOT cache cannot keep the lambdas' classes), else the JDK's
#                     AOT cache (*.aot). It fits the image's JAVA_OPTS: with other options the JVM may
#                     not map it and starts without; set it empty then, or train another.
#   JMIREDO_CACHE_DIR a writable directory that outlives the container (a volume), or empty (the default):
#                     the start-up archive of this command's own start, recorded there by its first start
#                     (the JVM writes it when the container stops, a second or two more) and mapped, in
#                     place of JMIREDO_AOT_CACHE, by every later start with the same jar, JVM and JAVA_OPTS
#                     (the file name carries their checksum, as bin/jmiredo's; another one is deleted). The
#                     image's archive was trained by the mire role (a build has no TUN), so a relay still
#                     loads its own classes from the jar and spins their lambdas; with its own archive it
#                     was ready in 0.9x the time on a busy host (BENCHMARKS.md, "Fifteenth iteration:
#                     start-up"). The first start records, so it maps no archive: slower, once. To record
#                     anew, delete the file.
#
# The JVM handles SIGTERM (orderly shutdown: routes and the TUN device are removed, unless
# jmiredo.tun.persistent: the host's device stays as it is) and SIGHUP (reload);
# exec keeps the signals going straight to it.
set -euo pipefail

: "${JAVA_OPTS=-XX:+UseZGC -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -XX:Tier3InvocationThreshold=1000 -XX:Tier3MinInvocationThreshold=500 -XX:Tier3CompileThreshold=10000 -XX:Tier3BackEdgeThreshold=300000}"
: "${JMIREDO_COMMAND:=relay}"
: "${JMIREDO_JAR:=/opt/jmiredo/jmiredo.jar}"
: "${JMIREDO_AOT_CACHE=/opt/jmiredo/jmiredo.jsa}"

# Flags every launch needs: FFM downcalls (TUN ioctls) and Netty's native transport (see the root pom's
# jvm.native.flags; the jar's manifest also says Enable-Native-Access, which covers -jar only).
native_flags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

# Deliberate word splitting of JAVA_OPTS; read -a does it without glob expansion.
read -r -a java_opts <<<"$JAVA_OPTS"

# Classes already parsed, verified and linked, mapped from the cache: a faster start.
# cds=off: the JDK's base archive, under the dynamic one, was made without --enable-native-access and with
# compressed oops, which the JVM reports as errors at every start (bin/jmiredo says more).
# JMIREDO_CACHE_DIR: the daemon's own archive, keyed by what the JVM checks an archive against (the jar's size
# and time, the JVM) and by the options and command it was recorded with.
: "${JMIREDO_CACHE_DIR=}"
own_archive() {
    local key java_bin
    java_bin=$(command -v java || true)
    key=$({ stat -L -c '%s %Y' "$JMIREDO_JAR" 2>/dev/null || true; readlink -f "$java_bin" || true
        printf '%s\n' "${java_opts[@]}" "$JMIREDO_COMMAND"; } | cksum)
    echo "$JMIREDO_CACHE_DIR/jmiredo-$JMIREDO_COMMAND-${key%% *}.jsa"
}

aot=()
if [[ -n "$JMIREDO_CACHE_DIR" && -d "$JMIREDO_CACHE_DIR" && -w "$JMIREDO_CACHE_DIR" ]]; then
    own=$(own_archive)
    if [[ -s "$own" ]]; then
        aot=("-XX:SharedArchiveFile=$own" -Xlog:cds=off)
    else
        rm -f "$JMIREDO_CACHE_DIR/jmiredo-$JMIREDO_COMMAND-"*.jsa # another jar, JVM or JAVA_OPTS
        aot=("-XX:ArchiveClassesAtExit=$own" -Xlog:cds=off)
    fi
elif [[ -n "$JMIREDO_AOT_CACHE" && -f "$JMIREDO_AOT_CACHE" ]]; then
    case "$JMIREDO_AOT_CACHE" in
    *.jsa) aot=("-XX:SharedArchiveFile=$JMIREDO_AOT_CACHE" -Xlog:cds=off) ;;
    *) aot=("-XX:AOTCache=$JMIREDO_AOT_CACHE") ;;
    esac
fi

exec java "${native_flags[@]}" "${java_opts[@]}" "${aot[@]}" -jar "$JMIREDO_JAR" "$JMIREDO_COMMAND" "$@"
