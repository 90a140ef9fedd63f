#!/usr/bin/env bash
# startup14's variants.sh (see there) with this helper's namespace prefix.
JM_PREFIX=jmstartup15 exec "$(dirname "$(readlink -f "$0")")/../startup14/variants.sh" "$@"
