cd /tmp/pc; J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
for v in old new; do rm -f $v.aot; $J/java -XX:+UseZGC -XX:AOTCacheOutput=$v.aot -cp $v.jar:probe3.jar org.jmiredo.server.PicoProbe3 >/dev/null 2>&1; done
cat /proc/loadavg
for i in $(seq 12); do for v in old new; do echo "$v $($J/java -XX:+UseZGC -XX:AOTCache=$v.aot -cp $v.jar:probe3.jar org.jmiredo.server.PicoProbe3)"; done; done
cat /proc/loadavg
