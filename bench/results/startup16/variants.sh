#!/usr/bin/env bash
# startup14's variants.sh (see there) with this helper's namespace prefix: N rounds, each variant's relay through its
# tree's bin/jmiredo, the CPU of each thread at ready (main, the JIT, the rest).
JM_PREFIX=jmstartup16 exec "$(dirname "$(readlink -f "$0")")/../startup14/variants.sh" "$@"
