#!/usr/bin/env bash
# ucat-transfer.sh: 20 MB byte-exact transfers over loopback with examples/ucat_like.
#
#   1. shim -> shim, both ordinary executables (each starts its own JVM)
#   2. shim (executable) -> shim hosted by the Java launcher (CLauncher, libucat_like.so)
#   3. real libutp <-> shim, both directions, when UTP_NATIVE_DIR points at libutp's
#      sources (npm utp-native: node_modules/utp-native/deps/libutp); built into $BUILD/ref.
#      The ABI test (test/test-abi.c) is also compiled against libutp's own utp.h and library
#      there, so its expected sizes and offsets are libutp's, not only ours. Under CI=true a
#      missing libutp is a failure, not a skip (as for the Java interop tests).
#
# Env: BUILD, JUTP_JAR, JUTP_JAVA_HOME (set by `make test-ucat`), SIZE_MB (default 20).
set -euo pipefail
BUILD=${BUILD:-build}
SIZE_MB=${SIZE_MB:-20}
HERE=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$tmp/in"

java_launcher=("$JUTP_JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xrs -cp "$JUTP_JAR"
               dev.jutp.shim.CLauncher "$BUILD/libucat_like.so")
failures=0
n=0

# transfer NAME RECEIVER... -- SENDER...   (receiver gets -l -P -o -t; sender gets -i -t host port)
transfer() {
  local name=$1; shift
  local recv=() send=()
  while [ "$1" != "--" ]; do recv+=("$1"); shift; done
  shift
  send=("$@")
  n=$((n + 1))
  rm -f "$tmp/port" "$tmp/out"
  timeout 300 "${recv[@]}" -l -P "$tmp/port" -o "$tmp/out" -t 240 2>"$tmp/recv.log" &
  local rpid=$!
  for _ in $(seq 1 300); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  local ok=1
  if [ ! -s "$tmp/port" ]; then
    echo "# $name: receiver did not start"; ok=0
  else
    local t0=$(date +%s.%N)
    timeout 300 "${send[@]}" -i "$tmp/in" -t 240 127.0.0.1 "$(cat "$tmp/port")" 2>"$tmp/send.log" || ok=0
    wait "$rpid" || ok=0
    local t1=$(date +%s.%N)
    cmp -s "$tmp/in" "$tmp/out" || { echo "# $name: output differs"; ok=0; }
    echo "# $name: $(awk -v a="$t0" -v b="$t1" -v m="$SIZE_MB" 'BEGIN{printf "%.2f s, %.1f MB/s", b-a, m*1.048576/(b-a)}')"
  fi
  kill "$rpid" 2>/dev/null || true
  sed 's/^/#   recv: /' "$tmp/recv.log"; sed 's/^/#   send: /' "$tmp/send.log"
  if [ $ok = 1 ]; then echo "ok $n - $name"; else echo "not ok $n - $name"; failures=$((failures + 1)); fi
}

transfer "shim -> shim ($SIZE_MB MB)" "$BUILD/ucat_like" -- "$BUILD/ucat_like"
transfer "shim -> shim hosted by CLauncher ($SIZE_MB MB)" "${java_launcher[@]}" -- "$BUILD/ucat_like"

if [ -n "${UTP_NATIVE_DIR:-}" ] && [ -f "$UTP_NATIVE_DIR/utp_api.cpp" ]; then
  ref="$BUILD/ref"
  mkdir -p "$ref"
  if [ ! -f "$ref/ucat_like" ]; then
    for f in utp_internal utp_utils utp_hash utp_callbacks utp_api utp_packedsockaddr; do
      g++ -c -O2 -fPIC -fno-rtti -fpermissive -w -DPOSIX -I"$UTP_NATIVE_DIR" \
          "$UTP_NATIVE_DIR/$f.cpp" -o "$ref/$f.o"
    done
    ar rcs "$ref/libutp.a" "$ref"/*.o
    # The same example source, compiled against libutp's own header and library.
    cc -O2 -std=gnu11 -DPOSIX -I"$UTP_NATIVE_DIR" -o "$ref/ucat_like" \
       "$HERE/examples/ucat_like.c" "$ref/libutp.a" -lstdc++
  fi
  # The same ABI expectations, checked against libutp's header and exported name tables.
  if [ ! -f "$ref/abi-ref" ]; then
    printf 'int run_test_abi(void);\nint main(void) { return run_test_abi(); }\n' > "$ref/abi-main.c"
    cc -O0 -std=gnu11 -DPOSIX -I"$UTP_NATIVE_DIR" -I"$HERE/test" -o "$ref/abi-ref" \
       "$HERE/test/test-abi.c" "$ref/abi-main.c" "$ref/libutp.a" -lstdc++
  fi
  n=$((n + 1))
  if "$ref/abi-ref"; then echo "ok $n - abi expectations hold for libutp's own utp.h"
  else echo "not ok $n - abi expectations differ from libutp's own utp.h"; failures=$((failures + 1)); fi

  transfer "real libutp -> shim ($SIZE_MB MB)" "$BUILD/ucat_like" -- "$ref/ucat_like"

  # libutp's own sample program, compiled unchanged against the shim's headers and linked with
  # -lutp: the headers define what libutp's do. It reads stdin, so a wrapper maps our options.
  cc -O2 -DPOSIX -I"$HERE/include" -o "$ref/ucat-on-shim" "$UTP_NATIVE_DIR/ucat.c" \
     -L"$BUILD" -lutp -Wl,-rpath,"$(cd "$BUILD" && pwd)"
  printf '#!/bin/sh\n# -i file -t secs host port\nexec "%s" "$5" "$6" < "$2"\n' "$ref/ucat-on-shim" \
    > "$tmp/ucat-send"
  chmod +x "$tmp/ucat-send"
  transfer "libutp's ucat.c built on the shim's headers -> shim ($SIZE_MB MB)" "$BUILD/ucat_like" -- "$tmp/ucat-send"
  transfer "shim -> real libutp ($SIZE_MB MB)" "$ref/ucat_like" -- "$BUILD/ucat_like"
elif [ "${CI:-}" = true ]; then
  n=$((n + 1))
  echo "not ok $n - real libutp interop: no libutp sources at '${UTP_NATIVE_DIR:-}' (CI=true requires them:"
  echo "#   npm install --prefix src/test/interop)"
  failures=$((failures + 1))
else
  echo "# SKIP real libutp interop: set UTP_NATIVE_DIR to node_modules/utp-native/deps/libutp"
fi

echo "1..$n"
[ $failures = 0 ]
