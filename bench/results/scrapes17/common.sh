# shellcheck shell=bash
# scrapes17's scripts (sourced): blackbox17a's helpers (bench/results/blackbox17a/common.sh) with this helper's own
# namespace prefix (jmscr17-, LAB.md rules, all removed on exit) and results directory.
HERE17=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_PREFIX=jmscr17 BENCH_RESULTS=scrapes17
source "$HERE17/../blackbox17a/common.sh"
