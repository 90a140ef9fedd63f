# shellcheck shell=bash
# scrapes17's scripts (sourced): blackbox17a's helpers (bench/results/blackbox17a/common.sh) with this helper's own
# namespace prefix (jmscr17-, LAB.md rules, all removed on exit).
HERE17=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE17/../blackbox17a/common.sh"
bench_lab() {
    LAB_PREFIX=jmscr17-$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
    source "$ROOT/bench/lab.sh"
    bench_setup "$1" scrapes17
    export JM_LOOPS=2
    W=$(mktemp -d "/tmp/$1.XXXXXX")
    trap 'lab_down; rm -rf "$PIN" "$W"' EXIT
    lab_up
}
