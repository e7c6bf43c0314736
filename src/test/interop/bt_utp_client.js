#!/usr/bin/env node
// bt_utp_client.js: a minimal BitTorrent-wire client over uTP (libutp through utp-native).
// It proves that a seed (lt_seed.py, Transmission, or jutp) answers a libutp initiator:
// uTP connect, BitTorrent handshake, interested, wait for unchoke, request one block, verify it.
//
//   node bt_utp_client.js --host H --port P --infohash HEX40 --file DATA --piece-size N
//        [--piece 0] [--begin 0] [--length 16384] [--bind 127.0.0.1] [--timeout-ms 20000]
//        [--linger-ms 2000]
//
// stdout: JSON lines: connected, handshake, message (one per peer message), piece, done | error.
// Exit codes: 0 block verified, 1 failure, 2 usage, 3 timeout.
'use strict'

const crypto = require('crypto')
const fs = require('fs')
const path = require('path')

function loadUtp () {
  try {
    return require(path.join(__dirname, 'node_modules', 'utp-native'))
  } catch (e) {
    return require('utp-native')
  }
}

const t0 = process.hrtime.bigint()
const ms = () => Math.round(Number(process.hrtime.bigint() - t0) / 1e5) / 10
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n')
let exiting = false
function finish (code, obj) {
  if (exiting) return
  exiting = true
  if (obj) emit(obj)
  const hard = setTimeout(() => process.exit(code), 1000)
  process.stdout.write('', () => { clearTimeout(hard); process.exit(code) })
}
const fail = (m, code) => finish(code || 1, { event: 'error', message: String(m), ms: ms() })

function parseArgs (argv) {
  const o = { host: '127.0.0.1', port: 0, infohash: null, file: null, pieceSize: 0, piece: 0, begin: 0,
    length: 16384, bind: '127.0.0.1', timeoutMs: 20000, lingerMs: 2000 }
  const ints = { '--port': 'port', '--piece-size': 'pieceSize', '--piece': 'piece', '--begin': 'begin',
    '--length': 'length', '--timeout-ms': 'timeoutMs', '--linger-ms': 'lingerMs' }
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]
    const v = argv[i + 1]
    if (v === undefined) return null
    if (ints[k]) {
      if (!/^[0-9]+$/.test(v)) return null
      o[ints[k]] = Number(v)
    } else if (k === '--host') o.host = v
    else if (k === '--bind') o.bind = v
    else if (k === '--infohash') o.infohash = v.toLowerCase()
    else if (k === '--file') o.file = v
    else return null
  }
  if (!o.port || !o.file || !o.pieceSize || !/^[0-9a-f]{40}$/.test(o.infohash || '')) return null
  if (o.length < 1 || o.length > 16384) return null // BEP 3: peers may drop requests above 16 KiB
  return o
}

function main () {
  const o = parseArgs(process.argv.slice(2))
  if (!o) {
    process.stderr.write('usage: bt_utp_client.js --host H --port P --infohash HEX40 --file DATA --piece-size N ' +
      '[--piece 0] [--begin 0] [--length 16384] [--bind 127.0.0.1] [--timeout-ms 20000] [--linger-ms 2000]\n')
    return finish(2, { event: 'error', message: 'usage' })
  }
  const deadline = setTimeout(() => fail('timeout after ' + o.timeoutMs + ' ms', 3), o.timeoutMs)
  deadline.unref()
  process.on('beforeExit', () => fail('event loop went idle before completion'))

  // The expected block, read from the data file.
  const offset = o.piece * o.pieceSize + o.begin
  let expected
  try {
    const fd = fs.openSync(o.file, 'r')
    expected = Buffer.alloc(o.length)
    const n = fs.readSync(fd, expected, 0, o.length, offset)
    fs.closeSync(fd)
    if (n !== o.length) return fail('data file too short for the requested block')
  } catch (e) { return fail('cannot read --file: ' + e.message) }

  const utp = loadUtp()
  const sock = utp({ allowHalfOpen: true })
  sock.on('error', (e) => fail('socket error: ' + e.message))
  sock.bind(0, o.bind)
  const conn = sock.connect(o.port, o.host)
  const infohash = Buffer.from(o.infohash, 'hex')
  const peerId = Buffer.concat([Buffer.from('-JU0000-'), crypto.randomBytes(12)])

  // Handshake: <19>"BitTorrent protocol"<8 reserved><20 info-hash><20 peer id>. Reserved all zero:
  // no extension protocol, no fast extension, no DHT, so the peer sends plain BEP 3 messages.
  const hs = Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), Buffer.alloc(8), infohash, peerId])
  conn.write(hs)
  conn.write(Buffer.from([0, 0, 0, 1, 2])) // interested

  conn.once('connect', () => emit({ event: 'connected', local_port: sock.address().port, ms: ms() }))
  conn.on('error', (e) => { if (!exiting) fail('connection error: ' + (e.code || e.message)) })

  let acc = Buffer.alloc(0)
  let handshaken = false
  let requested = false
  let verified = false
  const names = { 0: 'choke', 1: 'unchoke', 2: 'interested', 3: 'not_interested', 4: 'have', 5: 'bitfield',
    6: 'request', 7: 'piece', 8: 'cancel', 9: 'port', 13: 'suggest', 14: 'have_all', 15: 'have_none',
    16: 'reject', 17: 'allowed_fast', 20: 'extended' }

  function request () {
    if (requested) return
    requested = true
    const m = Buffer.alloc(17)
    m.writeUInt32BE(13, 0)
    m[4] = 6
    m.writeUInt32BE(o.piece, 5)
    m.writeUInt32BE(o.begin, 9)
    m.writeUInt32BE(o.length, 13)
    conn.write(m)
  }

  function onMessage (id, body) {
    emit({ event: 'message', id, name: names[id] || 'unknown', len: body.length + 1, ms: ms() })
    if (id === 1) request()
    if (id === 7) {
      const index = body.readUInt32BE(0)
      const begin = body.readUInt32BE(4)
      const block = body.subarray(8)
      const ok = index === o.piece && begin === o.begin && block.equals(expected)
      emit({ event: 'piece', index, begin, bytes: block.length, verified: ok, ms: ms() })
      if (!ok) return fail('block differs from the data file')
      verified = true
      conn.end() // FIN; then wait (bounded) for the peer to close its side too
      const lingerEnd = setTimeout(() => done(false), o.lingerMs)
      conn.once('end', () => { clearTimeout(lingerEnd); done(true) })
    }
  }

  function done (peerFin) {
    finish(0, { event: 'done', bytes: o.length, sha256: crypto.createHash('sha256').update(expected).digest('hex'), peer_fin: peerFin, ms: ms() })
  }

  conn.on('data', (buf) => {
    acc = acc.length ? Buffer.concat([acc, buf]) : buf
    if (!handshaken) {
      if (acc.length < 68) return
      const proto = acc.subarray(1, 20).toString('latin1')
      const match = acc[0] === 19 && proto === 'BitTorrent protocol' && acc.subarray(28, 48).equals(infohash)
      emit({ event: 'handshake', protocol: proto, reserved: acc.subarray(20, 28).toString('hex'),
        infohash_match: match, peer_id: acc.subarray(48, 68).toString('latin1').replace(/[^\x20-\x7e]/g, '.'), ms: ms() })
      if (!match) return fail('bad handshake')
      handshaken = true
      acc = acc.subarray(68)
    }
    for (let guard = 0; guard < 100000 && acc.length >= 4; guard++) {
      const len = acc.readUInt32BE(0)
      if (len > (1 << 20)) return fail('message too long: ' + len)
      if (acc.length < 4 + len) break
      const msg = acc.subarray(4, 4 + len)
      acc = acc.subarray(4 + len)
      if (len === 0) continue // keep-alive
      onMessage(msg[0], msg.subarray(1))
      if (exiting) return
    }
  })
  conn.on('end', () => {
    if (!verified && !exiting) fail('peer closed before the block arrived')
  })
}

main()
