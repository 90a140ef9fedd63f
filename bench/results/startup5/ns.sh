# sourced: startup4's throw-away namespace and relay config, under this helper's names (jmstartup5-*, /tmp/jmstartup5)
JM_PREFIX=jmstartup5
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../startup4/ns.sh"
