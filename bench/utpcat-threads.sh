#!/usr/bin/env bash
# Two utpcat processes on loopback (receiver | cat > /dev/null, sender < FILE), optionally beside N busy
# loops, with each thread's CPU and context switches read from /proc while they run. See bench/README.md
# ("Fourth pass"). Compare builds by alternating runs with different launchers.
#   bench/utpcat-threads.sh [--busy N] [--size MB] [--utpcat path/to/bin/utpcat]
set -euo pipefail
cd "$(dirname "$0")/.."
busy=0; size=1000; utpcat=bin/utpcat
while [ $# -gt 0 ]; do
  case "$1" in
    --busy) busy=$2; shift ;;
    --size) size=$2; shift ;;
    --utpcat) utpcat=$2; shift ;;
    *) echo "usage: $0 [--busy N] [--size MB] [--utpcat path/to/bin/utpcat]" >&2; exit 2 ;;
  esac
  shift
done
work="$(mktemp -d "${TMPDIR:-/tmp}/utpcat-threads.XXXXXX")"
loops=()
cleanup() {
  for p in "${loops[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
head -c "$((size * 1000000))" /dev/urandom > "$work/in"
for _ in $(seq 1 "$busy"); do timeout 600 sh -c 'while :; do :; done' & loops+=($!); done
port=$((20000 + RANDOM % 20000))
"$utpcat" -d -l -p "$port" < /dev/null > >(cat > /dev/null) 2> "$work/rx.err" & rx=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/rx.err" 2>/dev/null && break; sleep 0.1; done
start=$(date +%s%N)
"$utpcat" 127.0.0.1 "$port" < "$work/in" 2> "$work/tx.err" & tx=$!
python3 - "$tx" "$rx" > "$work/threads" <<'PY' &
import glob, sys, time
last = {}
for _ in range(6000):                       # 50 ms apart: at most 5 minutes
    alive = False
    for pid in sys.argv[1:]:
        for task in glob.glob(f'/proc/{pid}/task/*'):
            try:
                comm = open(task + '/comm').read().strip()
                stat = open(task + '/stat').read()
                f = stat[stat.rindex(')') + 2:].split()
                sw = {l.split(':')[0]: int(l.split()[1]) for l in open(task + '/status') if 'ctxt_switches' in l}
                last[(pid, task)] = (comm, (int(f[11]) + int(f[12])) / 100, sw['voluntary_ctxt_switches'],
                                     sw['nonvoluntary_ctxt_switches'])
                alive = True
            except (OSError, ValueError, KeyError):
                pass
    if not alive:
        break
    time.sleep(0.05)
for pid, role in zip(sys.argv[1:], ('sender', 'receiver')):
    rows = sorted((v for k, v in last.items() if k[0] == pid), key=lambda v: -v[1])
    print(f'{role} (pid {pid}): CPU-s {sum(r[1] for r in rows):.2f}, voluntary {sum(r[2] for r in rows)},'
          f' involuntary {sum(r[3] for r in rows)}')
    for comm, cpu, vol, nv in rows:
        if cpu >= 0.01 or vol >= 100:
            print(f'  {comm:24s} CPU-s {cpu:5.2f}  voluntary {vol:6d}  involuntary {nv:6d}')
PY
sampler=$!
wait "$tx"; end=$(date +%s%N)
wait "$rx"; wait "$sampler"
awk -v b="$((size * 1000000))" -v ns="$((end - start))" -v busy="$busy" \
  'BEGIN { printf "%d MB in %.2f s (sender start to exit): %.1f MB/s, %d busy loop(s)\n", b / 1e6, ns / 1e9, b / 1e6 / (ns / 1e9), busy }'
cat "$work/threads"
