#!/usr/bin/env bash
# End-to-end loopback benchmark, one command: jutp → jutp per transport, jutp ↔ libutp both ways,
# libutp → libutp (C), the raw UDP ceiling, jutp with default socket buffers; one table. See bench/README.md.
#   bench/harness.sh [--quick] [--reps N] [--size MB] [--cases a,b,..] [--markdown] [--out FILE]
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
mvn -B -q -o test-compile -Djutp.shim.skip=true >&2 || mvn -B -q test-compile -Djutp.shim.skip=true >&2
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
"$java_bin" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$snap/classes:$snap/test-classes" \
  dev.jutp.bench.e2e.Harness "${args[@]}"
