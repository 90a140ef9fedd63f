#!/usr/bin/env bash
# Exploration 3 (busy host, startup4's busy.sh): the branch's launcher (archive, C1 x5) against C1 x10 and x20 given in
# JMIREDO_JAVA_OPTS (after the launcher's, so they win). Start-up only: not checked against the data path.
cd "$(dirname "$(readlink -f "$0")")"
date -u
X10='-XX:Tier3InvocationThreshold=2000,-XX:Tier3MinInvocationThreshold=1000,-XX:Tier3CompileThreshold=20000,-XX:Tier3BackEdgeThreshold=600000'
X20='-XX:Tier3InvocationThreshold=4000,-XX:Tier3MinInvocationThreshold=2000,-XX:Tier3CompileThreshold=40000,-XX:Tier3BackEdgeThreshold=1200000'
../startup4/busy.sh ./variants.sh ${N:-7} new=/work/wt/startup14 "c1x10=/work/wt/startup14:$X10" "c1x20=/work/wt/startup14:$X20"
date -u
