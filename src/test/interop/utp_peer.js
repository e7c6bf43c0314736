#!/usr/bin/env node
// utp_peer.js: a libutp peer (through the npm package utp-native) for jutp's interop tests.
//
//   node utp_peer.js listen  [--host H] [--port 0] --mode sink|source|echo [options]
//   node utp_peer.js connect --host H --port P     --mode send|recv|echo  [options]
//
// Options: --bytes N, --file F (send/source: the bytes to send), --out F (sink/recv: write what
// arrives), --expect-sha256 HEX, --timeout-ms T (default 60000), --linger-ms L (default 3000),
// --buf BYTES (SO_RCVBUF and SO_SNDBUF), --bind ADDR (connect: local address, default 127.0.0.1),
// --strict-close.
//
// stdout: one JSON object per line (see README.md). stderr: nothing unless something is wrong.
// Exit codes: 0 success, 1 failure (error, data mismatch), 2 usage, 3 timeout.
'use strict'

const crypto = require('crypto')
const fs = require('fs')
const path = require('path')

function loadUtp () {
  try {
    return require(path.join(__dirname, 'node_modules', 'utp-native'))
  } catch (e) {
    return require('utp-native') // NODE_PATH
  }
}

const EXIT_OK = 0
const EXIT_FAIL = 1
const EXIT_USAGE = 2
const EXIT_TIMEOUT = 3
const CHUNK = 65536

const startedAt = process.hrtime.bigint()
function nowMs () { return Number(process.hrtime.bigint() - startedAt) / 1e6 }

let exiting = false
function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}
function finish (code, obj) {
  if (exiting) return
  exiting = true
  if (obj) emit(obj)
  // stdout may be a pipe: let the line drain before exiting (bounded by a 1 s hard stop).
  const hard = setTimeout(() => process.exit(code), 1000)
  process.stdout.write('', () => { clearTimeout(hard); process.exit(code) })
}
function fail (message, code) {
  finish(code === undefined ? EXIT_FAIL : code, { event: 'error', message: String(message), ms: round(nowMs()) })
}
function round (x) { return Math.round(x * 10) / 10 }

// ---------------------------------------------------------------- arguments
function usage (msg) {
  process.stderr.write((msg ? msg + '\n' : '') +
    'usage: utp_peer.js listen [--host H] [--port 0] --mode sink|source|echo [--bytes N] [--timeout-ms T]\n' +
    '       utp_peer.js connect --host H --port P --mode send|recv|echo [--bytes N] [--timeout-ms T]\n' +
    '       other options: --file F --out F --expect-sha256 HEX --linger-ms L --buf BYTES --bind ADDR --strict-close\n')
  finish(EXIT_USAGE, { event: 'error', message: 'usage: ' + (msg || 'bad arguments') })
}

function parseArgs (argv) {
  const o = { role: argv[0], host: '127.0.0.1', port: undefined, mode: undefined, bytes: undefined,
    file: undefined, out: undefined, expectSha: undefined, timeoutMs: 60000, lingerMs: 3000,
    buf: undefined, strictClose: false, bind: '127.0.0.1' }
  if (o.role !== 'listen' && o.role !== 'connect') return usage('first argument must be listen or connect')
  const num = (name, v) => {
    if (v === undefined || !/^[0-9]+(e[0-9]+)?$/i.test(v)) { usage(name + ' needs a non-negative integer'); return NaN }
    const n = Number(v)
    if (!Number.isSafeInteger(n)) { usage(name + ' out of range'); return NaN }
    return n
  }
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]
    const v = argv[i + 1]
    switch (a) {
      case '--host': o.host = v; i++; break
      case '--port': o.port = num(a, v); i++; break
      case '--mode': o.mode = v; i++; break
      case '--bytes': o.bytes = num(a, v); i++; break
      case '--file': o.file = v; i++; break
      case '--out': o.out = v; i++; break
      case '--expect-sha256': o.expectSha = String(v).toLowerCase(); i++; break
      case '--timeout-ms': o.timeoutMs = num(a, v); i++; break
      case '--linger-ms': o.lingerMs = num(a, v); i++; break
      case '--buf': o.buf = num(a, v); i++; break
      case '--bind': o.bind = v; i++; break
      case '--strict-close': o.strictClose = true; break
      default: usage('unknown argument ' + a); return null
    }
    if (exiting) return null
  }
  const modes = o.role === 'listen' ? ['sink', 'source', 'echo'] : ['send', 'recv', 'echo']
  if (!modes.includes(o.mode)) { usage('--mode must be one of ' + modes.join('|') + ' for ' + o.role); return null }
  if (!/^[0-9.]+$/.test(o.host || '')) { usage('--host must be an IPv4 address (utp-native is IPv4-only)'); return null }
  if (!/^[0-9.]+$/.test(o.bind || '')) { usage('--bind must be an IPv4 address'); return null }
  if (o.role === 'connect' && !o.port) { usage('connect needs --port'); return null }
  if (o.port === undefined) o.port = 0
  const sends = o.mode === 'send' || o.mode === 'source' || (o.role === 'connect' && o.mode === 'echo')
  if (sends && o.file === undefined && o.bytes === undefined) { usage('--mode ' + o.mode + ' needs --bytes N or --file F'); return null }
  if (o.file !== undefined && !sends) { usage('--file is for the sending modes'); return null }
  if (o.out !== undefined && sends) { usage('--out is for the receiving modes'); return null }
  return o
}

// ---------------------------------------------------------------- data pattern byte[i] = (i*31+7) & 0xff
// The pattern has period 256, so a chunk starting at offset o is a slice of one template.
const TEMPLATE = Buffer.alloc(CHUNK + 256)
for (let i = 0; i < TEMPLATE.length; i++) TEMPLATE[i] = (i * 31 + 7) & 0xff
function patternSlice (offset, len) { // len <= CHUNK
  const s = offset % 256
  return TEMPLATE.subarray(s, s + len)
}
function patternSha256 (n) {
  const h = crypto.createHash('sha256')
  for (let off = 0; off < n; off += CHUNK) h.update(patternSlice(off, Math.min(CHUNK, n - off)))
  return h.digest('hex')
}

// Source of the bytes to send: the pattern, or a file read whole.
function makeSource (o) {
  if (o.file !== undefined) {
    const data = fs.readFileSync(o.file)
    if (o.bytes !== undefined && o.bytes !== data.length) throw new Error('--bytes ' + o.bytes + ' but file has ' + data.length)
    return { total: data.length, slice: (off, len) => data.subarray(off, off + len) }
  }
  return { total: o.bytes, slice: patternSlice }
}

// Receiver bookkeeping: sha256, byte count, pattern check (when no --out), optional file.
function makeSink (o, checkPattern) {
  const h = crypto.createHash('sha256')
  const fd = o.out !== undefined ? fs.openSync(o.out, 'w') : null
  const st = { bytes: 0, mismatchAt: -1 }
  st.add = (buf) => {
    if (checkPattern && st.mismatchAt < 0) {
      for (let p = 0; p < buf.length; p += CHUNK) {
        const part = buf.subarray(p, Math.min(buf.length, p + CHUNK))
        if (!part.equals(patternSlice(st.bytes + p, part.length))) {
          for (let j = 0; j < part.length; j++) {
            const i = st.bytes + p + j
            if (part[j] !== ((i * 31 + 7) & 0xff)) { st.mismatchAt = i; break }
          }
          break
        }
      }
    }
    h.update(buf)
    if (fd !== null) fs.writeSync(fd, buf)
    st.bytes += buf.length
  }
  st.digest = () => {
    if (fd !== null) fs.closeSync(fd)
    return h.digest('hex')
  }
  return st
}

// ---------------------------------------------------------------- one connection, one mode
// Roles of the stream in each mode:
//   sender side   (connect send, listen source, connect echo): writes its bytes, then FIN (end()).
//   receiver side (listen sink, connect recv, listen echo): reads to EOF, then FIN.
// Both sides finish when: own bytes all written, peer EOF seen, own FIN sent; then they wait up to
// --linger-ms for libutp to report the connection closed (our FIN acked), and print "done".
function runConnection (o, conn, tConnected) {
  const isListen = o.role === 'listen'
  const sends = o.mode === 'send' || o.mode === 'source' || (!isListen && o.mode === 'echo')
  const echoes = isListen && o.mode === 'echo'
  // What arrives is checked against the pattern when the pattern is what the peer sends:
  // sink, recv, and the echo initiator (which gets its own pattern back). Not with --out.
  const checkPattern = o.out === undefined && (o.mode === 'sink' || o.mode === 'recv' || (!isListen && o.mode === 'echo'))
  const expectBytes = (o.mode === 'send' || o.mode === 'source') ? undefined
    : (!isListen && o.mode === 'echo') ? undefined /* set below from the source */ : o.bytes

  let src = null
  if (sends) {
    try { src = makeSource(o) } catch (e) { return fail(e.message) }
  }
  const expectRx = (!isListen && o.mode === 'echo') ? src.total : expectBytes
  const rx = makeSink(o, checkPattern)
  const txHash = crypto.createHash('sha256')
  let sent = 0
  let ended = false // our FIN requested
  let eof = false
  let eofMs = null
  let closed = false
  let closedMs = null
  let lingerTimer = null
  let started = false // have we started writing (listen source waits for the initiator, see below)
  let reported = false
  let completeMs = null // when peer EOF was seen and all own bytes were handed to libutp

  function write (buf) {
    sent += buf.length
    txHash.update(buf)
    return conn.write(buf)
  }

  function pump () {
    while (sent < src.total) {
      const len = Math.min(CHUNK, src.total - sent)
      if (!write(src.slice(sent, len))) { conn.once('drain', pump); return }
    }
    endOurSide()
  }

  function endOurSide () {
    if (ended) return
    ended = true
    conn.end()
    maybeDone()
  }

  function startSending () {
    if (started) return
    started = true
    pump()
  }

  // libutp quirk (Q24): an accepted socket cannot write until the initiator's first DATA or FIN
  // has arrived, and utp-native corks an accepted stream until its first read. A FIN alone moves
  // libutp to CONNECTED but utp-native never uncorks, so in that case we uncork it ourselves
  // (conn._onconnect is what the binding calls on connect; pinned to utp-native 2.5.3).
  function uncorkAccepted () {
    if (isListen && !conn._connected && !conn.destroyed && typeof conn._onconnect === 'function') conn._onconnect()
  }

  conn.on('data', (buf) => {
    rx.add(buf)
    if (echoes) {
      sent += buf.length
      txHash.update(buf)
      if (!conn.write(buf)) {
        conn.pause()
        conn.once('drain', () => conn.resume())
      }
    }
    if (o.mode === 'source') startSending()
  })
  conn.on('end', () => {
    eof = true
    eofMs = nowMs() - tConnected
    emit({ event: 'eof', bytes: rx.bytes, ms: round(eofMs) })
    if (o.mode === 'source') { uncorkAccepted(); startSending() }
    if (!sends) endOurSide() // receivers and the echo server FIN after EOF
    maybeDone()
  })
  conn.on('error', (err) => {
    if (!exiting) fail('connection error: ' + (err && (err.code || err.message)))
  })
  conn.on('close', () => {
    closed = true
    closedMs = nowMs() - tConnected
    // 'end' is emitted on a later tick than the binding's EOF; look again after it.
    setImmediate(() => {
      if (!eof || !ended) {
        if (!exiting) fail('connection closed before completion (eof=' + eof + ', fin_sent=' + ended + ', rx=' + rx.bytes + ', tx=' + sent + ')')
        return
      }
      maybeDone()
    })
  })

  if (sends && o.mode !== 'source') startSending()
  if (!isListen && o.mode === 'recv') {
    // The receiving initiator has nothing to send: it half-closes at once, which also lets a
    // libutp acceptor leave SYN_RECV (it cannot send before the initiator's first DATA or FIN).
    // Not before 'connect': libutp's utp_shutdown in SYN_SENT sends no FIN, then or later.
    conn.once('connect', endOurSide)
  }

  function maybeDone () {
    if (reported || exiting) return
    if (!eof || !ended || (sends && sent < src.total)) return
    if (completeMs === null) completeMs = nowMs() - tConnected
    if (!closed) {
      if (lingerTimer === null) lingerTimer = setTimeout(report, o.lingerMs)
      return
    }
    report()
  }
  function report () {
    if (reported || exiting) return
    reported = true
    if (lingerTimer) clearTimeout(lingerTimer)
    const rxSha = rx.digest()
    const txSha = txHash.digest('hex')
    const problems = []
    let expectedSha
    if (expectRx !== undefined && rx.bytes !== expectRx) problems.push('received ' + rx.bytes + ' bytes, expected ' + expectRx)
    if (checkPattern && rx.mismatchAt >= 0) problems.push('pattern mismatch at byte ' + rx.mismatchAt)
    if (checkPattern && expectRx !== undefined) expectedSha = (!isListen && o.mode === 'echo') ? txSha : patternSha256(expectRx)
    if (!isListen && o.mode === 'echo' && o.file !== undefined) expectedSha = txSha
    if (!isListen && o.mode === 'echo' && rxSha !== txSha) problems.push('echo differs from what was sent')
    if (o.expectSha && rx.bytes > 0 && !sends && rxSha !== o.expectSha) problems.push('sha256 differs from --expect-sha256')
    if (o.expectSha && sends && txSha !== o.expectSha) problems.push('sent sha256 differs from --expect-sha256')
    if (o.strictClose && !closed) problems.push('our FIN was not acknowledged within --linger-ms')
    const mainIsTx = o.mode === 'send' || o.mode === 'source'
    const out = {
      event: 'done',
      mode: o.mode,
      bytes: mainIsTx ? sent : rx.bytes,
      sha256: mainIsTx ? txSha : rxSha,
      // Transfer time from connected/accepted. Receivers and echo: until EOF. send: until the
      // peer's FIN (the receiver FINs only after it has read everything). source: the peer's FIN
      // came first, so until our FIN was acked (libutp reports that on its 500 ms timer tick).
      ms: round(o.mode === 'source' ? (closed ? closedMs : completeMs) : (mainIsTx ? completeMs : eofMs)),
      close_ms: closed ? round(closedMs) : null,
      sent,
      received: rx.bytes,
      sent_sha256: txSha,
      received_sha256: rxSha,
      fin_acked: closed,
      ok: problems.length === 0
    }
    if (expectedSha !== undefined) out.expected_sha256 = expectedSha
    if (problems.length) out.problems = problems
    finish(problems.length ? EXIT_FAIL : EXIT_OK, out)
  }
}

// ---------------------------------------------------------------- main
function main () {
  const o = parseArgs(process.argv.slice(2))
  if (!o) return
  let utp
  try { utp = loadUtp() } catch (e) { return fail('cannot load utp-native: ' + e.message) }

  const deadline = setTimeout(() => fail('timeout after ' + o.timeoutMs + ' ms', EXIT_TIMEOUT), o.timeoutMs)
  deadline.unref()
  // A connection that stays open keeps the loop alive; if nothing does, exit with a failure.
  process.on('beforeExit', () => fail('event loop went idle before completion'))

  const setBufs = (sock) => {
    if (o.buf) { sock.setRecvBufferSize(o.buf); sock.setSendBufferSize(o.buf) }
  }

  if (o.role === 'listen') {
    const server = utp.createServer({ allowHalfOpen: true })
    server.maxConnections = 1 // one connection per process; later SYNs are ignored (firewalled)
    let accepted = false
    server.on('error', (err) => fail('listen error: ' + err.message))
    server.on('connection', (conn) => {
      if (accepted) { conn.destroy(); return }
      accepted = true
      emit({ event: 'accepted', remote_host: conn.remoteAddress, remote_port: conn.remotePort })
      runConnection(o, conn, nowMs())
    })
    server.listen(o.port, o.host, () => {
      setBufs(server)
      const a = server.address()
      emit({ event: 'listening', host: o.host, port: a.port, rcvbuf: server.getRecvBufferSize(), sndbuf: server.getSendBufferSize() })
    })
  } else {
    const sock = utp({ allowHalfOpen: true })
    sock.on('error', (err) => fail('socket error: ' + err.message))
    sock.bind(0, o.bind)
    setBufs(sock)
    const t0 = nowMs()
    const conn = sock.connect(o.port, o.host)
    conn.once('connect', () => {
      emit({ event: 'connected', local_port: sock.address().port, ms: round(nowMs() - t0) })
    })
    runConnection(o, conn, t0)
  }
}

main()
