#!/usr/bin/env bash
# Exploration 1 (busy host: startup4's busy.sh, a nice-0 busy loop per core): main 75faf78 as it is, with C1's
# thresholds x5, without replaying the AOT cache's training data (profiles, JEP 515), and both.
cd "$(dirname "$(readlink -f "$0")")"
date -u
../startup4/busy.sh ./variants.sh ${N:-7} old=/work/wt/base-startup14 'c1x5=/work/wt/startup14:-XX:Tier3InvocationThreshold=1000,-XX:Tier3MinInvocationThreshold=500,-XX:Tier3CompileThreshold=10000,-XX:Tier3BackEdgeThreshold=300000' \
  'norep=/work/wt/startup14:-XX:+UnlockDiagnosticVMOptions,-XX:-AOTReplayTraining' 'c1x5norep=/work/wt/startup14:-XX:Tier3InvocationThreshold=1000,-XX:Tier3MinInvocationThreshold=500,-XX:Tier3CompileThreshold=10000,-XX:Tier3BackEdgeThreshold=300000,-XX:+UnlockDiagnosticVMOptions,-XX:-AOTReplayTraining'
date -u
