#!/usr/bin/env bash
# throughput.sh: utp-native (node) <-> utp-native throughput on loopback with utp_peer.js
# (listen sink <- connect send), the figures quoted in README.md.
#
#   src/test/interop/throughput.sh       # SIZES="20000000 50000000" BUFS="0 4194304" REPS=3
#
# BUFS: 0 = kernel default socket buffers, else utp_peer.js --buf. Rounds are interleaved (every
# case once per round). MB/s = bytes / the sink's "ms" (accepted -> EOF), MB = 10^6 bytes.
# Also printed: machine_busy_cpu_per_s, the whole machine's busy CPU-seconds per second during the
# run (the two peers included; 2.0 = both cores busy), to judge noise from other work.
# Bounded: 180 s per run; stops only its own PIDs.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
NODE="${NODE:-node}"
SIZES="${SIZES:-20000000 50000000}"
BUFS="${BUFS:-0 4194304}"
REPS="${REPS:-3}"
W="$(mktemp -d "${TMPDIR:-/tmp}/jutp-utpn-tput.XXXXXX")"
trap 'rm -rf "$W"' EXIT
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
HZ="$(getconf CLK_TCK)"
RES="$W/results.jsonl"
: >"$RES"
for ((r = 1; r <= REPS; r++)); do
  for size in $SIZES; do
    for buf in $BUFS; do
      bufarg=(); [ "$buf" != 0 ] && bufarg=(--buf "$buf")
      rm -f "$W"/l.out "$W"/l.err "$W"/c.out "$W"/c.err # no stale "listening" line from the last run
      b0="$(busy)"; t0="$(date +%s.%N)"
      "$NODE" "$HERE/utp_peer.js" listen --port 0 --mode sink --bytes "$size" --timeout-ms 180000 "${bufarg[@]}" \
        </dev/null >"$W/l.out" 2>"$W/l.err" &
      lp=$!
      for ((i = 0; i < 150; i++)); do grep -q '"listening"' "$W/l.out" 2>/dev/null && break; sleep 0.1; done
      port="$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$W/l.out" 2>/dev/null | head -1)"
      [ -n "$port" ] || echo "listener printed no port" >&2
      timeout 200 "$NODE" "$HERE/utp_peer.js" connect --port "${port:-1}" --mode send --bytes "$size" \
        --timeout-ms 180000 "${bufarg[@]}" </dev/null >"$W/c.out" 2>"$W/c.err"
      crc=$?
      for ((i = 0; i < 150; i++)); do kill -0 "$lp" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$lp" 2>/dev/null && kill "$lp"
      wait "$lp"; lrc=$?
      t1="$(date +%s.%N)"; b1="$(busy)"
      "$NODE" -e '
        const fs = require("fs"); const [lf, size, buf, r, lrc, crc, b0, b1, hz, t0, t1] = process.argv.slice(1);
        const busyS = (b1 - b0) / hz; const wall = t1 - t0;
        let d = {}; for (const l of fs.readFileSync(lf, "utf8").split("\n")) { try { const o = JSON.parse(l); if (o.event === "done") d = o } catch (e) {} }
        const ok = d.ok === true && lrc === "0" && crc === "0";
        console.log(JSON.stringify({ round: +r, bytes: +size, buf_requested: +buf, ok, ms: d.ms,
          mb_per_s: ok ? Math.round(size / 1e3 / d.ms * 10) / 10 : null,
          machine_busy_cpu_per_s: Math.round(busyS / wall * 100) / 100 }))' \
        "$W/l.out" "$size" "$buf" "$r" "$lrc" "$crc" "$b0" "$b1" "$HZ" "$t0" "$t1" | tee -a "$RES"
      if [ "$lrc" != 0 ] || [ "$crc" != 0 ]; then # keep the evidence of a failed run
        keep="$(mktemp -d "${TMPDIR:-/tmp}/jutp-utpn-fail.XXXXXX")"
        cp "$W"/l.out "$W"/l.err "$W"/c.out "$W"/c.err "$keep"/ 2>/dev/null
        echo "failed run (listen rc=$lrc, connect rc=$crc): outputs kept in $keep" >&2
      fi
    done
  done
done
"$NODE" -e '
  const rs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  const keys = [...new Set(rs.map(r => r.bytes + "/" + r.buf_requested))];
  for (const k of keys) {
    const g = rs.filter(r => r.bytes + "/" + r.buf_requested === k && r.ok).map(r => r.mb_per_s).sort((a, b) => a - b);
    const [bytes, buf] = k.split("/").map(Number);
    const med = g.length ? (g.length % 2 ? g[(g.length - 1) / 2] : (g[g.length / 2 - 1] + g[g.length / 2]) / 2) : null;
    console.log(JSON.stringify({ summary: true, bytes, buf_requested: buf, runs_ok: g.length,
      mb_per_s_median: med === null ? null : Math.round(med * 10) / 10, mb_per_s_min: g[0] ?? null, mb_per_s_max: g[g.length - 1] ?? null }));
  }' "$RES"
