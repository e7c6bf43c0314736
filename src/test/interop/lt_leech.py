#!/usr/bin/python3
"""lt_leech.py: libtorrent (python3-libtorrent 2.0) as the uTP initiator: it dials one given
peer over uTP only (outgoing TCP disabled), downloads the torrent and verifies it.

usage: /usr/bin/python3 lt_leech.py --torrent T --peer HOST:PORT [--save-dir D]
                                    [--host 127.0.0.1] [--port 0] [--timeout-s 60]
                                    [--expect-sha256 HEX | --expect-file F]

--host is the local address libtorrent binds (its uTP socket is also its listen socket, so this
is the source address the peer sees: use a fresh 127.0.0.N per test against peers that remember
addresses). Prints, one per line:
  INFOHASH=<40 hex>  READY listen_port=<N>  ALERT <type> <message> ...
  DONE bytes=<N> secs=<s> sha256=<hex> transport=uTP     (exit 0)
  FAIL <reason>                                          (exit 1, also on the first piece failing its
                                                          SHA-1; 3 on timeout; 2 usage)
secs counts from the first connect attempt to torrent_finished.
"""

import argparse
import os
import sys
import tempfile
import time

import lt_common as c

lt = c.lt


def main():
    ap = argparse.ArgumentParser(description="libtorrent uTP-only leech (uTP initiator)")
    ap.add_argument("--torrent", required=True)
    ap.add_argument("--peer", required=True, help="HOST:PORT of the seed")
    ap.add_argument("--save-dir")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--timeout-s", type=float, default=60.0)
    ap.add_argument("--expect-sha256")
    ap.add_argument("--expect-file")
    a = ap.parse_args()
    phost, _, pport = a.peer.rpartition(":")
    if not phost.startswith("127.") or not pport.isdigit():
        ap.error("--peer must be 127.0.0.N:PORT (loopback only)")
    if not a.host.startswith("127."):
        ap.error("--host must be a 127.0.0.N loopback address")
    expect = a.expect_sha256.lower() if a.expect_sha256 else None
    if a.expect_file:
        expect = c.sha256_file(a.expect_file)

    def out(code, line):
        c.say(line)
        sys.stdout.flush()
        os._exit(code)  # do not wait for libtorrent's orderly shutdown

    deadline = c.Deadline(a.timeout_s)
    ti = lt.torrent_info(a.torrent)
    c.say("INFOHASH=" + c.info_hash_hex(ti))
    save = a.save_dir or tempfile.mkdtemp(prefix="lt_leech.")
    os.makedirs(save, exist_ok=True)
    target = os.path.join(save, ti.files().file_path(0))
    if os.path.exists(target):
        out(1, "FAIL target exists (use an empty --save-dir): " + target)

    ses = lt.session(c.utp_only_settings(a.host, a.port))
    atp = lt.add_torrent_params()
    atp.ti = ti
    atp.save_path = save
    atp.flags = atp.flags & ~lt.torrent_flags.auto_managed & ~lt.torrent_flags.paused
    h = ses.add_torrent(atp)

    ready = False
    t_first = None
    last_try = 0.0
    tries = 0
    transports = set()
    while not deadline.passed():
        ses.wait_for_alert(int(min(200, max(1, deadline.left() * 1000))))
        for al in ses.pop_alerts():
            msg = al.message()
            c.say("ALERT %s %s" % (type(al).__name__, msg))
            if isinstance(al, lt.listen_failed_alert):
                out(1, "FAIL listen: " + msg)
            if isinstance(al, lt.peer_connect_alert):
                transports.add("uTP" if "(uTP)" in msg else "TCP")
            if isinstance(al, (lt.torrent_error_alert, lt.file_error_alert, lt.hash_failed_alert)):
                out(1, "FAIL " + msg)  # a piece failing its SHA-1 means the peer sent wrong data: stop at once
            if isinstance(al, lt.torrent_finished_alert):
                secs = time.monotonic() - (t_first or time.monotonic())
                got = c.sha256_file(target)
                size = os.path.getsize(target)
                if size != ti.total_size():
                    out(1, "FAIL size %d != %d" % (size, ti.total_size()))
                if expect and got != expect:
                    out(1, "FAIL sha256 %s != expected %s" % (got, expect))
                if transports != {"uTP"}:
                    out(1, "FAIL transports seen: %s" % sorted(transports))
                out(0, "DONE bytes=%d secs=%.3f sha256=%s transport=uTP" % (size, secs, got))
        if not ready and ses.listen_port():
            ready = True
            c.say("READY listen_port=%d" % ses.listen_port())
        # Dial the seed; again every 2 s while no peer is connected (bounded by the deadline).
        now = time.monotonic()
        if ready and now - last_try >= 2.0 and h.status().num_peers == 0:
            last_try = now
            tries += 1
            if t_first is None:
                t_first = now
            h.connect_peer((phost, int(pport)))
            c.say("DIAL %s:%s try=%d" % (phost, pport, tries))
    st = h.status()
    out(3, "FAIL timeout after %.1f s: progress=%.3f peers=%d tries=%d" % (a.timeout_s, st.progress, st.num_peers, tries))


if __name__ == "__main__":
    sys.exit(main())
