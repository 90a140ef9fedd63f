#!/bin/bash
# usage: javap-dump.sh ROOT OUT: disassembles every class of the build (code, constants, attributes; line-number tables and file stamps filtered out)
root=$1; out=$2; mkdir -p $out
cd $root
find . -path '*/target/classes/*.class' -o -path '*/target/test-classes/*.class' | grep -v '/target-fuzz/' | sort > $out/list
xargs -a $out/list $JAVA_HOME/bin/javap -c -p -constants -v 2>/dev/null \
  | grep -v -E '^Classfile|Last modified|SHA-256 checksum|^\s+line [0-9]+: [0-9]+$|LineNumberTable:|^\s+Compiled from' > $out/all.txt
wc -l < $out/list
