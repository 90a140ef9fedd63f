# sourced: startup4's throw-away namespace and relay config, under this helper's names (jmstartup16-*, /tmp/jmstartup16)
JM_PREFIX=jmstartup16
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../startup4/ns.sh"
