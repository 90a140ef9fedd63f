#!/usr/bin/env bash
# Helper i2t13, thirteenth iteration, a JVM option tried (not made a default): the branch's jar (new2) as it is
# against the same jar with -XX:PerMethodTrapLimit=0 ("trap0": C2 then compiles the branches its profile never
# saw instead of leaving an uncommon trap there, so their first use does not throw the compiled data path out),
# alternating new2 trap0 trap0 new2 (two pairs: what the lock left of the session), run2.sh's soak and JIT log:
#   flock /tmp/jmiredo-bench.lock bench/results/i2t13/run3.sh > bench/results/i2t13/out3.txt 2>&1
ORDER=${ORDER:-new2 trap0 trap0 new2} exec "$(dirname "$0")/run2.sh"
