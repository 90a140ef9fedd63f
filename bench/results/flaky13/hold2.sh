#!/usr/bin/env bash
# One hold (<= 15 min): one e2e class under burners, old and new alternating, twice each.
cls=${1:?class}; out=/work/wt/flaky13/bench/results/flaky13/e2e-$cls
date
for pass in 1 2; do
    for side in base after; do
        TEST=$cls CI=true REPO=/work/wt/$side-flaky13 /work/wt/flaky13/bench/stress-suite.sh e2e 1 $out/$side-$pass
        cat $out/$side-$pass/summary.txt
    done
done
date
