#!/usr/bin/env bash
# bench/shim/footprint.sh: what the guest JVM costs a C host, per JVM option set, in one run.
#
# For each option set (given to the shim as JUTP_JAVA_OPTIONS, on top of its defaults) runs
# c-api-shim/build/footprint ROUNDS times, interleaved, and prints the medians of: seconds from
# the first utp_init to that context's first datagram, resident memory added, threads added.
# Then the in-memory shim-to-shim throughput (build/bench-shim) for the sets marked with *, to
# see what an option costs in speed. Env: ROUNDS (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-5}
jar=$(ls target/jutp-*.jar | grep -v -e sources -e javadoc -e tests | head -1)
make -s -C c-api-shim all JUTP_JAR="$PWD/$jar" >/dev/null
export JUTP_JAR="$PWD/$jar"
build=c-api-shim/build

before="-Xms384m -XX:-UseSerialGC -XX:+UseG1GC -XX:-DisableAttachMechanism -XX:+UsePerfData -XX:AOTMode=off"
names=("before: JVM defaults (G1, attach listener, perf data, no cache)*"
       "SerialGC"
       "SerialGC, no attach, no perf data"
       "SerialGC, no attach, no perf data, -Xms8m"
       "+ AOT cache, no profile replay = the shim's defaults*"
       "+ AOT cache with its profile replay (one more thread)"
       "+ C1 only (TieredStopAtLevel=1)*")
sets=("$before"
      "-Xms384m -XX:-DisableAttachMechanism -XX:+UsePerfData -XX:AOTMode=off"
      "-Xms384m -XX:AOTMode=off"
      "-XX:AOTMode=off"
      ""
      "-XX:+UnlockDiagnosticVMOptions -XX:+AOTReplayTraining"
      "-XX:TieredStopAtLevel=1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{v[NR]=$1} END {print NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "# guest JVM footprint: $ROUNDS rounds interleaved, medians; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  for i in "${!sets[@]}"; do
    JUTP_JAVA_OPTIONS="${sets[$i]}" "$build/footprint" >>"$tmp/f$i.txt"
    if [[ ${names[$i]} == *'*' ]] && [ "$r" -le 3 ]; then
      JUTP_JAVA_OPTIONS="${sets[$i]}" "$build/bench-shim" | awk '$1 == "throughput" {print $2}' >>"$tmp/t$i.txt"
    fi
  done
done
printf '%-66s %9s %9s %8s %12s\n' "options" "start s" "RSS MB" "threads" "mem MB/s"
for i in "${!sets[@]}"; do
  printf '%-66s %9s %9s %8s %12s\n' "${names[$i]}" \
    "$(awk '{print $2}' "$tmp/f$i.txt" | median)" "$(awk '{print $5}' "$tmp/f$i.txt" | tr -d + | median)" \
    "$(awk '{print $8}' "$tmp/f$i.txt" | tr -d + | median)" \
    "$( [ -s "$tmp/t$i.txt" ] && median <"$tmp/t$i.txt" || echo -)"
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
