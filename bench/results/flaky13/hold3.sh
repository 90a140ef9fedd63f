#!/usr/bin/env bash
# One hold (<= 15 min): one e2e class under a CPU burner per core, old and new alternating; a pass starts only
# before the cut-off (the session's end), so that the hold ends in time.
cls=${1:?class}; cutoff=${2:?epoch seconds}; out=/work/wt/flaky13/bench/results/flaky13/e2e-$cls
date
for pass in 1 2; do
    [[ $(date +%s) -lt $cutoff ]] || { echo "pass $pass: past the cut-off, not started"; break; }
    for side in base after; do
        TEST=$cls CI=true REPO=/work/wt/$side-flaky13 /work/wt/flaky13/bench/stress-suite.sh e2e 1 $out/$side-$pass
    done
done
date
