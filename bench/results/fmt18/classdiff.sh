#!/bin/bash
# usage: classdiff.sh ROOT_A ROOT_B: the classes whose disassembly (code, constants; no line tables) differs
a=$1; b=$2
filter() { grep -v -E '^Classfile|Last modified|SHA-256 checksum|^\s+line [0-9]+: [0-9]+$|LineNumberTable:|^\s+Compiled from'; }
cd $b; find . -path '*/target/classes/*.class' -o -path '*/target/test-classes/*.class' | sort | while read c; do
  if [[ ! -e $a/$c ]]; then echo "new: $c"; continue; fi
  cmp -s <($JAVA_HOME/bin/javap -c -p -constants -v $a/$c 2>/dev/null | filter) <($JAVA_HOME/bin/javap -c -p -constants -v $b/$c 2>/dev/null | filter) || echo "differs: $c"
done
