#!/usr/bin/env bash
# Exploration 2 (busy host, startup4's busy.sh): main 75faf78 with the launcher's AOT cache, against a dynamic CDS
# archive instead (it keeps the lambdas' classes, which the AOT cache of JDK 25 cannot with ZGC), with and without
# C1's thresholds x5.
cd "$(dirname "$(readlink -f "$0")")"
date -u
../startup4/busy.sh ./variants.sh ${N:-7} old=/work/wt/base-startup14 'cds=/work/wt/startup14:-XX:+AutoCreateSharedArchive,-XX:SharedArchiveFile=@DIR@/relay.jsa' 'cdsc1x5=/work/wt/startup14:-XX:+AutoCreateSharedArchive,-XX:SharedArchiveFile=@DIR@/relay.jsa,-XX:Tier3InvocationThreshold=1000,-XX:Tier3MinInvocationThreshold=500,-XX:Tier3CompileThreshold=10000,-XX:Tier3BackEdgeThreshold=300000'
date -u
