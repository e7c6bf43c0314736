#!/usr/bin/env bash
# bench/shim/run.sh: what the C shim costs, beside the same work done in pure Java, in one run.
#
#   1. ns per utp_context_get_option and per utp_check_timeouts firing one GET_MILLISECONDS
#      callback: through libutp.so from C (c-api-shim/test/bench-shim.c) and through
#      dev.jutp.capi.Utp from Java (bench/src/main/java/dev/jutp/bench/CApiCost.java); the difference is the crossing.
#   2. in-memory throughput, two contexts on one thread, shim vs Java (same ring network).
#   3. loopback throughput of a file transfer, shim -> shim (two c-api-shim/build/ucat_like
#      processes) beside jutp Java -> Java in the same layout (two bin/utpcat processes, NIO
#      transport: one datagram per system call, as ucat_like does), interleaved, with the CPU
#      seconds both layouts spent; then bin/utpcat demo (one JVM) for reference; per size in SIZES.
#
# Env: ROUNDS (default 3), SIZES in MiB (default "20 100"), MEM_MB (default 256).
# Builds the jar if missing (mvn package) and libutp.so + examples (make -C c-api-shim).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"20 100"}
MEM_MB=${MEM_MB:-256}

jar=$(ls target/jutp-*.jar 2>/dev/null | grep -v -e sources -e javadoc -e tests | head -1 || true)
if [ -z "$jar" ] || [ ! -d target/lib ] || [ ! -f target/test-classes/dev/jutp/bench/CApiCost.class ]; then
  mvn -B -q -DskipTests package >/dev/null
  jar=$(ls target/jutp-*.jar | grep -v -e sources -e javadoc -e tests | head -1)
fi
make -s -C c-api-shim all JUTP_JAR="$PWD/$jar" >/dev/null
java_bin=$(bin/find-java)
export JUTP_JAR="$PWD/$jar" JUTP_JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java_bin")")")
build=c-api-shim/build

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# median of the numbers on stdin, and min-max
stats() { sort -g | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2;
                                         printf "%8.1f  (%s-%s)", m, v[1], v[NR]}'; }

echo "# shim vs pure Java: $ROUNDS rounds, median (min-max); $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  "$build/bench-shim" >>"$tmp/shim.txt"
  "$java_bin" --enable-native-access=ALL-UNNAMED -cp "$jar:target/test-classes" dev.jutp.bench.CApiCost "$MEM_MB" >>"$tmp/java.txt"
done
field() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
printf '%-62s %-22s %-22s\n' "what" "through the shim" "pure Java"
printf '%-62s %s %s ns\n' "utp_context_get_option, ns per call" \
  "$(field call "$tmp/shim.txt" | stats)" "$(field call "$tmp/java.txt" | stats)"
printf '%-62s %s %s ns\n' "utp_check_timeouts + one GET_MILLISECONDS callback, ns" \
  "$(field callback "$tmp/shim.txt" | stats)" "$(field callback "$tmp/java.txt" | stats)"
printf '%-62s %s %s MB/s\n' "in-memory transfer, $MEM_MB MiB, one thread" \
  "$(field throughput "$tmp/shim.txt" | stats)" "$(field throughput "$tmp/java.txt" | stats)"

# One ucat_like transfer of $1 MiB over loopback; prints the sender's MB/s (connect to FIN acked,
# after each process's JVM has started) or fails.
ucat_once() {
  head -c $(($1 << 20)) /dev/urandom >"$tmp/in"
  rm -f "$tmp/port" "$tmp/out"
  /usr/bin/time -f "%U %S" -a -o "$tmp/cpu.shim" \
    timeout 300 "$build/ucat_like" -l -P "$tmp/port" -o "$tmp/out" -t 240 2>"$tmp/recv.log" &
  local rpid=$!
  for _ in $(seq 1 300); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  /usr/bin/time -f "%U %S" -a -o "$tmp/cpu.shim" \
    timeout 300 "$build/ucat_like" -i "$tmp/in" -t 240 127.0.0.1 "$(cat "$tmp/port")" 2>"$tmp/send.log" || true
  wait "$rpid" || true
  cmp -s "$tmp/in" "$tmp/out" || { echo "ucat_like transfer of $1 MiB failed:" >&2; cat "$tmp"/*.log >&2; return 1; }
  sed -n 's/.*sent .* (\([0-9.]*\) MB\/s).*/\1/p' "$tmp/send.log"
}

# bin/utpcat demo: both endpoints in one JVM; prints MB/s (10^6) from its "transferred" line.
demo_once() {
  bin/utpcat demo --size "$1M" --transport nio --no-progress >"$tmp/demo.txt" 2>&1 ||
    { cat "$tmp/demo.txt" >&2; return 1; }
  grep -q 'OK$' "$tmp/demo.txt" || { cat "$tmp/demo.txt" >&2; return 1; }
  sed -n 's/^transferred .* (\([0-9]*\) bytes) in \([0-9.]*\) s.*/\1 \2/p' "$tmp/demo.txt" |
    awk '{printf "%.1f\n", $1 / $2 / 1e6}'
}

# bin/utpcat receiver and sender as two processes, the layout of ucat_like; prints the sender's
# MB/s (10^6) over its connection's lifetime (its --stats line), as ucat_like reports its own.
utpcat_once() {
  head -c $(($1 << 20)) /dev/urandom >"$tmp/in"
  rm -f "$tmp/out"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  /usr/bin/time -f "%U %S" -a -o "$tmp/cpu.java" \
    timeout 300 bin/utpcat --transport nio --no-progress --timeout 240 -l -p "$port" >"$tmp/out" 2>"$tmp/recv.log" &
  local rpid=$!
  # Wait for the listener's socket (bounded) before starting the sender.
  for _ in $(seq 1 300); do ss -uln 2>/dev/null | grep -q ":$port " && break; sleep 0.1; done
  /usr/bin/time -f "%U %S" -a -o "$tmp/cpu.java" \
    timeout 300 bin/utpcat --transport nio --no-progress --stats 127.0.0.1 "$port" <"$tmp/in" 2>"$tmp/send.log" || true
  wait "$rpid" || true
  cmp -s "$tmp/in" "$tmp/out" || { echo "utpcat transfer of $1 MiB failed:" >&2; cat "$tmp"/*.log >&2; return 1; }
  sed -n 's/^utpcat: connection statistics (\([0-9.]*\) s).*/\1/p' "$tmp/send.log" |
    awk -v b=$(($1 << 20)) '{printf "%.1f\n", b / $1 / 1e6}'
}

for size in $SIZES; do
  : >"$tmp/u.txt"; : >"$tmp/d.txt"; : >"$tmp/p.txt"; : >"$tmp/cpu.shim"; : >"$tmp/cpu.java"
  for r in $(seq 1 "$ROUNDS"); do
    ucat_once "$size" >>"$tmp/u.txt"
    utpcat_once "$size" >>"$tmp/p.txt"
    demo_once "$size" >>"$tmp/d.txt"
  done
  printf '%-62s %s %s MB/s\n' "loopback $size MiB: ucat_like shim->shim | utpcat->utpcat (2 JVMs)" \
    "$(stats <"$tmp/u.txt")" "$(stats <"$tmp/p.txt")"
  paste "$tmp/u.txt" "$tmp/p.txt" | awk '{printf "%s%.2f", (NR > 1 ? " " : ""), $1 / $2} END {print ""}' |
    sed 's/^/  shim \/ Java per round (interleaved): /'
  # CPU seconds (user + sys of receiver and sender, JVM start included) per transfer: with two
  # SIZES the difference is the CPU the extra MiB cost, whatever the machine's load did to the clock.
  printf '%-62s %8.2f %22.2f s\n' "  CPU per transfer, both processes" \
    "$(awk -v r="$ROUNDS" '{s += $1 + $2} END {print s / r}' "$tmp/cpu.shim")" \
    "$(awk -v r="$ROUNDS" '{s += $1 + $2} END {print s / r}' "$tmp/cpu.java")"
  printf '%-62s %s %s MB/s\n' "loopback $size MiB: ucat_like shim->shim | utpcat demo Java" \
    "$(stats <"$tmp/u.txt")" "$(stats <"$tmp/d.txt")"
done
