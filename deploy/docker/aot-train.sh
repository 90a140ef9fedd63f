#!/bin/bash
# Image build: the training run for the start-up cache, with the image's own JRE, jar, JVM options and
# configuration, so that the cache fits every container start. CACHE_FILE *.jsa: a dynamic CDS archive
# (-XX:ArchiveClassesAtExit; the entrypoint passes -XX:SharedArchiveFile), the image's kind: with ZGC on
# JDK 25 it keeps the lambdas' classes, which the AOT cache cannot (BENCHMARKS.md, "Fourteenth iteration:
# start-up"). Any other name: the JDK's AOT cache (JEP 483, 514, 515; -XX:AOTCacheOutput, then -XX:AOTCache).
#
#   aot-train.sh CACHE_FILE [CONFIG]     (the Dockerfile: /opt/jmiredo/jmiredo.jsa /etc/jmiredo/jmiredo.conf)
#
# What it runs: the mire role (`jmiredo mire`), not the relay. A build container has no CAP_NET_ADMIN and
# no /dev/net/tun, so the relay cannot start there; the mire needs neither, and its start is most of the
# relay's: the JVM and picocli, the configuration and logging, the metrics endpoint (Micrometer,
# Prometheus), Netty's epoll event loops and UDP channels with the relay's socket options; then one
# scrape of /metrics. Left out: the TUN device and its rtnetlink set-up (FFM downcalls), the relay's data path
# and peer table; those classes load from the jar as without a cache. The cache then serves 3,725 of
# the 4,782 classes a relay loads before ready, against 3,847 for a cache a relay recorded itself
# (BENCHMARKS.md, "Third iteration: loss at 90 % and startup"). A relay started with JMIREDO_CACHE_DIR (a volume)
# records its own archive at its first stop and maps that one after (entrypoint.sh).
# The JVM writes the cache when the training run stops (SIGTERM); the build fails if it did not.
set -euo pipefail

cache=${1:?usage: aot-train.sh CACHE_FILE [CONFIG]}
config=${2:-/etc/jmiredo/jmiredo.conf}
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
: "${JAVA_OPTS=-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError}"
metrics=127.0.0.1:9544

# cds=off and aot=error: the recording run lists, as warnings, every class it leaves out (hundreds).
case "$cache" in
*.jsa) record="-XX:ArchiveClassesAtExit=$cache -Xlog:cds=off" ;;
*) record="-XX:AOTCacheOutput=$cache -Xlog:aot=error" ;;
esac
JAVA_OPTS="$JAVA_OPTS $record" JMIREDO_AOT_CACHE= JMIREDO_CACHE_DIR= JMIREDO_COMMAND=mire \
    "$here/entrypoint.sh" --config "$config" --metrics-listen "$metrics" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || { echo "aot-train.sh: the training run exited early" >&2; exit 1; }
    if curl --fail --silent --output /dev/null "http://$metrics/readyz"; then
        curl --fail --silent --output /dev/null "http://$metrics/metrics"
        kill -TERM "$pid"
        wait "$pid" || true
        trap - EXIT
        [[ -s "$cache" ]] || { echo "aot-train.sh: no start-up cache written to $cache" >&2; exit 1; }
        exit 0
    fi
    sleep 0.1
done
echo "aot-train.sh: the training run was not ready within 60 s" >&2
exit 1
