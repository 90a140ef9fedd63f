# sourced: startup4's throw-away namespace and relay config, under this helper's names (jmstartup15-*, /tmp/jmstartup15)
JM_PREFIX=jmstartup15
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../startup4/ns.sh"
