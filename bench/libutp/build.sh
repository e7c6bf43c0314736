#!/usr/bin/env bash
# Build bench/libutp/utp_bench against the libutp sources shipped inside the npm package
# utp-native (src/test/interop/node_modules/utp-native/deps/libutp). Nothing of libutp is
# committed: the sources come from `npm install --prefix src/test/interop`, the objects go to
# $BUILD_DIR (default target/libutp-bench, git-ignored).
#   bench/libutp/build.sh            -> prints the path of the binary on its last line
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LIBUTP="${LIBUTP_SRC:-$ROOT/src/test/interop/node_modules/utp-native/deps/libutp}"
BUILD_DIR="${BUILD_DIR:-$ROOT/target/libutp-bench}"
CC="${CC:-gcc}"
CXX="${CXX:-g++}"

if [ ! -f "$LIBUTP/utp_internal.cpp" ] || [ ! -f "$LIBUTP/utp.h" ]; then
  echo "libutp sources not found in $LIBUTP" >&2
  echo "run: npm install --no-audit --no-fund --prefix src/test/interop" >&2
  exit 1
fi
mkdir -p "$BUILD_DIR/obj"
# The same files and defines as libutp's own Makefile (POSIX build), at -O2.
CXXFLAGS="-O2 -DPOSIX -fno-exceptions -fno-rtti -fpermissive -w"
objs=()
for f in utp_internal utp_utils utp_hash utp_callbacks utp_api utp_packedsockaddr; do
  o="$BUILD_DIR/obj/$f.o"
  if [ ! -f "$o" ] || [ "$LIBUTP/$f.cpp" -nt "$o" ]; then
    $CXX $CXXFLAGS -c "$LIBUTP/$f.cpp" -o "$o"
  fi
  objs+=("$o")
done
$CC -O2 -DPOSIX -Wall -Wextra -Wno-unused-parameter -I"$LIBUTP" -c "$ROOT/bench/libutp/utp_bench.c" -o "$BUILD_DIR/obj/utp_bench.o"
$CXX -O2 -o "$BUILD_DIR/utp_bench" "$BUILD_DIR/obj/utp_bench.o" "${objs[@]}"
echo "$BUILD_DIR/utp_bench"
