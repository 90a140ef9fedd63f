#!/bin/bash
# Container entrypoint: runs the jmiredo daemon in the foreground as PID 1's child (or PID 1).
#
#   docker run ... jmiredo:TAG --config /etc/jmiredo/jmiredo.conf   -> java ... -jar jmiredo.jar relay --config ...
#
# Environment:
#   JAVA_OPTS         JVM options, split on white space (no quoting inside), after bin/jmiredo's defaults (this
#                     script sources the launcher's shared part, the image's /opt/jmiredo/bin/jmiredo, and
#                     gives the JVM what the launcher gives it: ZGC, a first heap of 16 MiB, the soft heap
#                     target of 256 MiB set once ready, C1's thresholds x5, sun.misc.Unsafe for Netty; each
#                     left out, or overridden, as the launcher's jvm_default_options says). Default: a heap
#                     of at most half the container's memory limit (the other half is for Netty's direct
#                     buffers, metaspace, threads and the JIT), exit (and be restarted) on OOM. Without a
#                     memory limit "half" means half the host's memory: set a limit, or -Xmx. Empty: the
#                     launcher's defaults alone.
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

: "${JAVA_OPTS=-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError}"
: "${JMIREDO_COMMAND:=relay}"
: "${JMIREDO_JAR:=/opt/jmiredo/jmiredo.jar}"
: "${JMIREDO_AOT_CACHE=/opt/jmiredo/jmiredo.jsa}"

# The JVM options bin/jmiredo gives every start (jvm_default_options, from the launcher's shared part): in the image
# /opt/jmiredo/bin/jmiredo, next to this script; in the repository ../../bin/jmiredo. Sourced, not run: no fork.
here=${BASH_SOURCE[0]%/*}
[[ "$here" != "${BASH_SOURCE[0]}" ]] || here=.
for launcher in "$here/bin/jmiredo" "$here/../../bin/jmiredo" ""; do
    [[ -z "$launcher" || -f "$launcher" ]] && break
done
[[ -n "$launcher" ]] || { echo "entrypoint.sh: bin/jmiredo not found next to $here" >&2; exit 1; }
# shellcheck source=../../bin/jmiredo
source "$launcher"

# Deliberate word splitting of JAVA_OPTS; read -a does it without glob expansion.
read -r -a java_opts <<<"$JAVA_OPTS"
jvm_default_options "${java_opts[@]}"
# FFM downcalls (TUN ioctls) and Netty's native transport (see the root pom's jvm.native.flags; the jar's manifest also
# says Enable-Native-Access, which covers -jar only), then the launcher's defaults and the operator's options.
options=(--enable-native-access=ALL-UNNAMED "${jvm_options[@]}" "${java_opts[@]}")

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
        printf '%s\n' "${options[@]}" "$JMIREDO_COMMAND"; } | cksum)
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

exec java "${options[@]}" "${aot[@]}" -jar "$JMIREDO_JAR" "$JMIREDO_COMMAND" "$@"
