#!/usr/bin/env bash
# pairs.sh FILE: per run, old and new /readyz ms and CPU ms (bench/startup.sh with two TREES), their ratio, and
# how many pairs new was lower.
awk '/^run [0-9]+, /{ split($0,a,"after "); split(a[2],b," "); split($0,c,"CPU "); split(c[2],d," ");
  r=$2; sub(",","",r); if ($0 ~ /base-/) { o[r]=b[1]; oc[r]=d[1] } else { n[r]=b[1]; nc[r]=d[1] } }
  END { for (r in o) { printf "run %s: old %d (%d) new %d (%d) ratio %.2f (%.2f)\n", r, o[r], oc[r], n[r], nc[r], n[r]/o[r], nc[r]/oc[r];
        if (n[r]<o[r]) lw++; if (nc[r]<oc[r]) lc++; cnt++ }
        printf "new lower: ready %d of %d, CPU %d of %d\n", lw, cnt, lc, cnt }' "$1" | sort -V
