#!/usr/bin/env bash
# Runs the JMH benchmarks (compiled by `mvn test-compile` from bench/src/main/java) on the JDK
# Maven's toolchain picked, with the gc profiler. Extra arguments go to JMH, e.g.:
#   bench/run-jmh.sh ProcessUdpBench            # one class
#   bench/run-jmh.sh -f 1 -wi 2 -i 3 .           # everything, shorter
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test >/dev/null
java_bin=$(bin/find-java)
exec "$java_bin" --enable-native-access=ALL-UNNAMED -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" \
    org.openjdk.jmh.Main -prof gc "${@:-ProcessUdpBench}"
