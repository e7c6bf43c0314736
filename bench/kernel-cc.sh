#!/usr/bin/env bash
# Real-kernel congestion bench (issue 12): jutp's default controller, jutp with classic LEDBAT and
# libutp, each alone, against kernel TCP (iperf3 CUBIC and BBR) and against a second flow of its
# own, through a tbf bottleneck made for each scenario: on the loopback of a network namespace
# (issue 12's set-up, the default), or with --topology routed on a router namespace between a
# sender's and a receiver's (the queue where a home router keeps it; needs root for ip netns).
# Writes docs/figures/kernel-cc.md (routed: routed-cc.md), medians and ranges, and one PNG per scenario.
#   bench/kernel-cc.sh [--rounds 3] [--scale 1.0] [--out docs/figures] [--topology loopback|routed]
#                      [--only alone,cubic,bbr,pair,alone-5,cubic-5] [--utp ledbat++,ledbat,libutp]
# Needs unshare -rn, tc, iperf3, ping, node with src/test/interop/node_modules; ~30 min for 3 rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -Djutp.shim.skip=true package >&2
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/kernel-cc.classpath >&2
java_bin="$(bin/find-java)"
# Run from a snapshot of the classes and of bin/utpcat with its jar, so a rebuild during the long run
# cannot pull them away.
snap="$(mktemp -d "${TMPDIR:-/tmp}/jutp-kernel-cc.XXXXXX")"
trap 'rm -rf "$snap"' EXIT
mkdir -p "$snap/bin" "$snap/target"
cp bin/utpcat bin/find-java "$snap/bin/" && cp -r target/jutp-*.jar target/lib "$snap/target/"
cp -r target/classes "$snap/classes" && cp -r target/test-classes "$snap/test-classes"
"$java_bin" --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true -Djutp.kernel.utpcat="$snap/bin/utpcat" \
  -cp "$snap/test-classes:$snap/classes:$(cat target/kernel-cc.classpath)" dev.jutp.kernel.KernelCcBench "$@"
