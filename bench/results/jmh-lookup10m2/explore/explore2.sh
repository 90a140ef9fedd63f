for r in 1 2; do
./q.sh /tmp/lk2-v2.jar 10000000 lookupBurst
./q.sh /tmp/lk2-v1.jar 10000000 lookupBurst
./q.sh /tmp/lk2-base.jar 10000000 lookupBurst
done
