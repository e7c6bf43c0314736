#!/bin/sh
# Prints the home of a JDK 22+ for the build-time default of JUTP_JAVA_HOME:
# $JAVA_HOME if it qualifies, else the newest under /usr/lib/jvm. Prints nothing if none.
major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null; }
ok() { [ -f "$1/lib/server/libjvm.so" ] && [ -f "$1/include/jni.h" ] && m=$(major "$1") && [ -n "$m" ] && [ "$m" -ge 22 ]; }
if [ -n "$JAVA_HOME" ] && ok "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi
best=; bestm=0
for d in /usr/lib/jvm/* /opt/java/* /usr/local/lib/jvm/*; do
  [ -d "$d" ] || continue
  if ok "$d"; then m=$(major "$d"); if [ "$m" -gt "$bestm" ]; then best=$d; bestm=$m; fi; fi
done
[ -n "$best" ] && readlink -f "$best"
