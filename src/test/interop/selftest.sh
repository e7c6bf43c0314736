#!/usr/bin/env bash
# selftest.sh: prove the interop peers against each other on loopback (no Java involved).
#
#   src/test/interop/selftest.sh            # needs: npm install --prefix src/test/interop,
#                                           #        apt-get install python3-libtorrent
# Environment: BYTES (50000000) for the utp_peer stream cases, BUF (empty = kernel default socket
# buffers; e.g. 4194304), KEEP=1 keeps the work directory, NODE (node), PY (/usr/bin/python3).
# Every peer gets a deadline of its own and every wait here is bounded; only the processes this
# script started are stopped, by PID. Traffic: 127.0.0.0/8 only. Last line: "N passed, N failed".
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
NODE="${NODE:-node}"
PY="${PY:-/usr/bin/python3}"
BYTES="${BYTES:-50000000}"
BUF="${BUF:-}"
W="$(mktemp -d "${TMPDIR:-/tmp}/jutp-interop-selftest.XXXXXX")"
PIDS=()
PASS=0
FAIL=0
BUFARG=()
[ -n "$BUF" ] && BUFARG=(--buf "$BUF")

cleanup() {
  for p in "${PIDS[@]}"; do
    if kill -0 "$p" 2>/dev/null; then kill "$p" 2>/dev/null; fi
  done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  if [ "${KEEP:-}" = 1 ]; then echo "kept: $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

# start NAME CMD...: run in the background, stdin from /dev/null (utp-native peers stall with a TTY
# stdin when backgrounded), stdout/stderr to $W/NAME.out/.err; the PID goes to LAST_PID and PIDS.
start() {
  local name="$1"; shift
  "$@" </dev/null >"$W/$name.out" 2>"$W/$name.err" &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# wait_line FILE REGEX SECONDS: wait (bounded) until FILE has a line matching REGEX.
wait_line() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -Eq "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# wait_pid PID SECONDS: wait (bounded) for a child; its exit code goes to RC (124 if it had to be stopped).
wait_pid() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$1" 2>/dev/null; then
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    RC=124
  else
    wait "$1"
    RC=$?
  fi
}

# jfield FILE EVENT FIELD: FIELD of the last JSON line in FILE whose "event" is EVENT.
jfield() {
  "$NODE" -e '
    const [f, ev, key] = process.argv.slice(1); let v = "";
    for (const l of require("fs").readFileSync(f, "utf8").split("\n")) {
      try { const o = JSON.parse(l); if (o.event === ev) v = o[key] } catch (e) {}
    }
    process.stdout.write(v === undefined ? "" : String(v));' "$1" "$2" "$3"
}

# kv FILE KEY: value of the first KEY=value line in FILE.
kv() { sed -n "s/^$2=//p" "$1" | head -1; }

result() { # result NAME OK(0|1) DETAIL
  if [ "$2" = 1 ]; then PASS=$((PASS + 1)); echo "PASS $1: $3"; else FAIL=$((FAIL + 1)); echo "FAIL $1: $3"; fi
}

show() { # the peers' output, for a failed case
  for f in "$@"; do echo "--- $f"; tail -n 20 "$W/$f"; done
}

PEER="$HERE/utp_peer.js"

# ------------------------------------------------------------------ utp_peer <-> utp_peer
# stream_case NAME LISTEN_MODE CONNECT_MODE BYTES BIND
stream_case() {
  local name="$1" lmode="$2" cmode="$3" n="$4" bind="$5" lpid cpid lrc crc port
  start "$name.listen" "$NODE" "$PEER" listen --host 127.0.0.1 --port 0 --mode "$lmode" --bytes "$n" \
    --timeout-ms 120000 "${BUFARG[@]}"
  lpid=$LAST_PID
  if ! wait_line "$W/$name.listen.out" '"event":"listening"' 15; then
    result "$name" 0 "listener did not start"; show "$name.listen.out" "$name.listen.err"; return
  fi
  port="$(jfield "$W/$name.listen.out" listening port)"
  start "$name.connect" "$NODE" "$PEER" connect --host 127.0.0.1 --port "$port" --bind "$bind" --mode "$cmode" \
    --bytes "$n" --timeout-ms 120000 "${BUFARG[@]}"
  cpid=$LAST_PID
  wait_pid "$cpid" 130; crc=$RC
  wait_pid "$lpid" 15; lrc=$RC
  local lsha csha lok cok lbytes cbytes lms cms exp
  lsha="$(jfield "$W/$name.listen.out" done sha256)"; csha="$(jfield "$W/$name.connect.out" done sha256)"
  lok="$(jfield "$W/$name.listen.out" done ok)"; cok="$(jfield "$W/$name.connect.out" done ok)"
  lbytes="$(jfield "$W/$name.listen.out" done bytes)"; cbytes="$(jfield "$W/$name.connect.out" done bytes)"
  lms="$(jfield "$W/$name.listen.out" done ms)"; cms="$(jfield "$W/$name.connect.out" done ms)"
  exp="$(jfield "$W/$name.listen.out" done expected_sha256)$(jfield "$W/$name.connect.out" done expected_sha256)"
  if [ "$lrc" = 0 ] && [ "$crc" = 0 ] && [ "$lok" = true ] && [ "$cok" = true ] && [ -n "$lsha" ] \
     && [ "$lsha" = "$csha" ] && [ "$lbytes" = "$n" ] && [ "$cbytes" = "$n" ] && [ -n "$exp" ]; then
    result "$name" 1 "$n bytes, sha256 $lsha equal on both sides, listen ${lms} ms, connect ${cms} ms, both exit 0"
  else
    result "$name" 0 "listen rc=$lrc ok=$lok bytes=$lbytes sha=$lsha; connect rc=$crc ok=$cok bytes=$cbytes sha=$csha"
    show "$name.listen.out" "$name.listen.err" "$name.connect.out" "$name.connect.err"
  fi
}

stream_case sink_send   sink   send "$BYTES" 127.0.0.2
stream_case source_recv source recv "$BYTES" 127.0.0.3
stream_case echo        echo   echo 5000000  127.0.0.4

# Files instead of the pattern: random bytes from a file, written out by the sink, compared.
file_case() {
  local name=files lpid cpid port
  head -c 2000000 /dev/urandom >"$W/in.bin"
  local sha; sha="$(sha256sum "$W/in.bin" | cut -d' ' -f1)"
  start "$name.listen" "$NODE" "$PEER" listen --port 0 --mode sink --out "$W/out.bin" --bytes 2000000 \
    --expect-sha256 "$sha" --timeout-ms 60000
  lpid=$LAST_PID
  wait_line "$W/$name.listen.out" '"event":"listening"' 15
  port="$(jfield "$W/$name.listen.out" listening port)"
  start "$name.connect" "$NODE" "$PEER" connect --host 127.0.0.1 --port "${port:-1}" --bind 127.0.0.5 --mode send \
    --file "$W/in.bin" --timeout-ms 60000
  cpid=$LAST_PID
  wait_pid "$cpid" 70; local crc=$RC
  wait_pid "$lpid" 15; local lrc=$RC
  if [ "$crc" = 0 ] && [ "$lrc" = 0 ] && cmp -s "$W/in.bin" "$W/out.bin"; then
    result "$name" 1 "2000000-byte random file sent with --file, written with --out, identical (cmp)"
  else
    result "$name" 0 "connect rc=$crc listen rc=$lrc"; show "$name.listen.out" "$name.connect.out" "$name.connect.err"
  fi
}
file_case

# The verifier must not be vacuous: a sink told to expect one byte more must fail (exit 1, ok=false).
mismatch_case() {
  local name=mismatch lpid cpid port
  start "$name.listen" "$NODE" "$PEER" listen --port 0 --mode sink --bytes 100001 --timeout-ms 30000
  lpid=$LAST_PID
  wait_line "$W/$name.listen.out" '"event":"listening"' 15
  port="$(jfield "$W/$name.listen.out" listening port)"
  start "$name.connect" "$NODE" "$PEER" connect --port "${port:-1}" --bind 127.0.0.6 --mode send --bytes 100000 \
    --timeout-ms 30000
  cpid=$LAST_PID
  wait_pid "$cpid" 40; local crc=$RC
  wait_pid "$lpid" 15; local lrc=$RC
  local lok; lok="$(jfield "$W/$name.listen.out" done ok)"
  if [ "$lrc" = 1 ] && [ "$lok" = false ]; then
    result "$name" 1 "short stream detected by the sink (exit 1, ok=false); sender rc=$crc"
  else
    result "$name" 0 "listen rc=$lrc ok=$lok"; show "$name.listen.out"
  fi
}
mismatch_case

# ------------------------------------------------------------------ libtorrent seed
start seed "$PY" "$HERE/lt_seed.py" --host 127.0.0.1 --port 0 --workdir "$W/seed" --bytes 3000000 --timeout-s 120
SEED_PID=$LAST_PID
if wait_line "$W/seed.out" '^READY listen_port=' 30; then
  SPORT="$(sed -n 's/^READY listen_port=//p' "$W/seed.out" | head -1)"
  IH="$(kv "$W/seed.out" INFOHASH)"; DATA="$(kv "$W/seed.out" DATA)"; TORRENT="$(kv "$W/seed.out" TORRENT)"
  PSIZE="$(kv "$W/seed.out" PIECE_SIZE)"; SHA="$(kv "$W/seed.out" SHA256)"

  # libutp BitTorrent-wire client -> libtorrent seed
  start btclient "$NODE" "$HERE/bt_utp_client.js" --host 127.0.0.1 --port "$SPORT" --infohash "$IH" --file "$DATA" \
    --piece-size "$PSIZE" --piece 1 --begin 16384 --length 16384 --bind 127.0.0.7 --timeout-ms 20000
  wait_pid "$LAST_PID" 30
  if [ "$RC" = 0 ] && [ "$(jfield "$W/btclient.out" piece verified)" = true ] \
     && [ "$(jfield "$W/btclient.out" handshake infohash_match)" = true ]; then
    result lt_seed-bt_utp_client 1 "handshake ok (peer $(jfield "$W/btclient.out" handshake peer_id | cut -c1-8)), piece 1 block 16384+16384 verified, $(jfield "$W/btclient.out" done ms) ms"
  else
    result lt_seed-bt_utp_client 0 "rc=$RC"; show btclient.out btclient.err seed.out
  fi

  # libtorrent leech (uTP initiator) -> libtorrent seed
  start leech "$PY" "$HERE/lt_leech.py" --torrent "$TORRENT" --peer "127.0.0.1:$SPORT" --save-dir "$W/leech" \
    --host 127.0.0.8 --port 0 --expect-sha256 "$SHA" --timeout-s 60
  wait_pid "$LAST_PID" 70
  if [ "$RC" = 0 ] && grep -q '^DONE .*transport=uTP' "$W/leech.out"; then
    result lt_seed-lt_leech 1 "$(grep '^DONE' "$W/leech.out")"
  else
    result lt_seed-lt_leech 0 "rc=$RC"; show leech.out leech.err seed.out
  fi

  # The seed must have seen only uTP peers.
  kill "$SEED_PID" 2>/dev/null
  wait_pid "$SEED_PID" 15
  if grep -q '^EXIT .*tcp_peers=0' "$W/seed.out" && ! grep -q 'incoming connection from .*(TCP)' "$W/seed.out"; then
    result lt_seed-utp_only 1 "$(grep '^EXIT' "$W/seed.out")"
  else
    result lt_seed-utp_only 0 "$(grep '^EXIT' "$W/seed.out")"; show seed.out
  fi
else
  result lt_seed 0 "seed did not become READY"; show seed.out seed.err
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
