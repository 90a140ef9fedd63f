./q.sh /tmp/lk2-base.jar 10000000 lookupBurst
./q.sh /tmp/lk2-v2.jar 10000000 lookupBurst
./q.sh /tmp/lk2-v2.jar 10000000 lookupBurst -Dlk.v=1
./q.sh /tmp/lk2-v1.jar 10000000 lookupBurst
./q.sh /tmp/lk2-base.jar 1000 lookupBurst
./q.sh /tmp/lk2-v2.jar 1000 lookupBurst
