#!/bin/sh
# Prints the home of a JDK 22+ the shim can embed (libjvm.so, jni.h), for the build-time default of
# JUTP_JAVA_HOME; prints nothing (and says why on stderr) if there is none. The search is
# bin/find-java's, the one finder of jutp's scripts.
exec bash "$(dirname -- "$0")/../bin/find-java" --home --jni
