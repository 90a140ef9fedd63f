# sourced: startup4's throw-away namespace and relay config, under this helper's names (jmstartup14-*, /tmp/jmstartup14)
JM_PREFIX=${JM_PREFIX:-jmstartup14}
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../startup4/ns.sh"
