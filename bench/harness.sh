#!/usr/bin/env bash
# End-to-end loopback benchmark, one command: jutp → jutp per transport, jutp ↔ libutp both ways,
# libutp → libutp (C), the raw UDP ceiling, jutp with default socket buffers, two bin/utpcat processes;
# one table. See bench/README.md.
#   bench/harness.sh [--quick] [--reps N] [--size MB] [--cases a,b,..] [--busy N] [--markdown] [--out FILE]
# --quick = --reps 1 --size 20. Other options go to dev.jutp.bench.e2e.Harness.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) args+=(--reps 1 --size 20) ;;
    *) args+=("$1") ;;
  esac
  shift
done
# package: the utpcat rows run the jar through bin/utpcat (the test classes are compiled too).
build=(-B -q -DskipTests -Djutp.shim.skip=true -Djutp.utpcat.archive.skip=true package)
mvn -o "${build[@]}" >&2 || mvn "${build[@]}" >&2
if bin_path="$(bench/libutp/build.sh 2>&2 | tail -1)" && [ -x "$bin_path" ]; then
  args=(--utp-bench "$bin_path" "${args[@]}")
else
  echo "harness: bench/libutp/build.sh failed; libutp and raw UDP rows will fail" >&2
fi
java_bin="$(bin/find-java)"
# Run from a snapshot of the classes, so a rebuild during a long run cannot pull them away.
snap="$(mktemp -d "${TMPDIR:-/tmp}/jutp-harness.XXXXXX")"
trap 'rm -rf "$snap"' EXIT
cp -r target/classes "$snap/classes" && cp -r target/test-classes "$snap/test-classes"
# utpcat as a checkout holds it (bin/ and target/), with its class-data archive recorded for this copy.
mkdir -p "$snap/utpcat/bin" "$snap/utpcat/target"
cp bin/utpcat bin/find-java "$snap/utpcat/bin/" && cp target/jutp-*.jar "$snap/utpcat/target/" && cp -r target/lib "$snap/utpcat/target/"
rm -f "$snap"/utpcat/target/jutp-*-{sources,javadoc,tests}.jar
JUTP_UTPCAT_ARCHIVE=create "$snap/utpcat/bin/utpcat" >&2
args=(--utpcat "$snap/utpcat/bin/utpcat" "${args[@]}")
"$java_bin" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$snap/classes:$snap/test-classes" \
  dev.jutp.bench.e2e.Harness "${args[@]}"
