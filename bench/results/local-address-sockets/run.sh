# Old (main before this branch) vs new (per-address sockets), alternately, in one flock'd run from the pktinfo
# worktree: base = /work/wt/base's jar, new = this branch's jar on the bench's specific bind address,
# new-wildcard = this branch's jar bound to 0.0.0.0 (so every datagram arrives on a per-address socket).
# Jars copied to /tmp first so a rebuild during the run cannot change them.
cd "$(dirname "$0")/../../.."
for round in 1 2; do
  for variant in base new new-wildcard; do
    echo "##### $variant (round $round)"
    case $variant in
      base) jar=/tmp/pktinfo-base.jar extra="" ;;
      new) jar=/tmp/pktinfo-new.jar extra="" ;;
      new-wildcard) jar=/tmp/pktinfo-new.jar extra='jmiredo.relay.bind-address = "0.0.0.0"' ;;
    esac
    JMIREDO_JAR=$jar JM_CONF_EXTRA=$extra RELAYS=jmiredo PEERS=100000 SIZES=80 DIRS="t2i i2t" RATES="100000 0" \
      RUNS=1 DURATION=5 NO_MD=1 bench/compare.sh 2>&1 | grep -E "^(t2i|i2t) |relay cpu|results"
  done
done
