#!/usr/bin/env bash
# busy.sh CMD...: runs CMD with two CPU burners (nice 0, one per core) alive; kills them after (by pid)
set -u
pids=()
for i in 1 2; do nice -n 0 timeout 900 sh -c 'while :; do :; done' & pids+=($!); done
sleep 1
"$@"; rc=$?
kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null
exit $rc
