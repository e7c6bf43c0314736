#!/usr/bin/python3
"""lt_seed.py: libtorrent (python3-libtorrent 2.0) seeding one v1-only torrent over uTP only.

usage: /usr/bin/python3 lt_seed.py [--host 127.0.0.1] [--port 0] [--workdir D]
                                   [--file F | --bytes N [--seed S]] [--piece-size 32768]
                                   [--timeout-s 120] [--make-only]

Without --file it writes D/payload.bin (N pseudo-random bytes from seed S). It writes
D/<name>.torrent, adds it in seed mode and prints, one per line:
  DATA=<path>  TORRENT=<path>  INFOHASH=<40 hex>  SHA256=<of the data>  SIZE=<bytes>
  PIECE_SIZE=<n>  READY listen_port=<N>
then ALERT <type> <message> lines, and at the end
  EXIT uploaded=<payload bytes> utp_peers=<n> tcp_peers=<n> reason=<timeout|signal>.
--make-only writes the files, prints the lines up to PIECE_SIZE and exits (for a Java seed).
Exit codes: 0 ran until the deadline or SIGTERM/SIGINT, 1 failure, 2 usage.
"""

import argparse
import os
import signal
import sys
import tempfile
import time

import lt_common as c

lt = c.lt


def main():
    ap = argparse.ArgumentParser(description="libtorrent uTP-only seed")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--workdir")
    ap.add_argument("--file")
    ap.add_argument("--bytes", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=29)
    ap.add_argument("--piece-size", type=int, default=32768)
    ap.add_argument("--timeout-s", type=float, default=120.0)
    ap.add_argument("--make-only", action="store_true")
    a = ap.parse_args()
    if not a.host.startswith("127."):
        ap.error("--host must be a 127.0.0.N loopback address")

    stop = {"reason": None}

    def on_signal(signum, _frame):
        stop["reason"] = "signal"

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    workdir = a.workdir or tempfile.mkdtemp(prefix="lt_seed.")
    os.makedirs(workdir, exist_ok=True)
    if a.file:
        data = os.path.abspath(a.file)
    else:
        data = os.path.join(os.path.abspath(workdir), "payload.bin")
        c.make_payload(data, a.bytes, a.seed)
    torrent = os.path.join(os.path.abspath(workdir), os.path.basename(data) + ".torrent")
    ti = c.make_torrent(data, torrent, a.piece_size)
    c.say("DATA=" + data)
    c.say("TORRENT=" + torrent)
    c.say("INFOHASH=" + c.info_hash_hex(ti))
    c.say("SHA256=" + c.sha256_file(data))
    c.say("SIZE=%d" % ti.total_size())
    c.say("PIECE_SIZE=%d" % ti.piece_length())
    if a.make_only:
        return 0

    deadline = c.Deadline(a.timeout_s)
    ses = lt.session(c.utp_only_settings(a.host, a.port))
    atp = lt.add_torrent_params()
    atp.ti = ti
    atp.save_path = os.path.dirname(data)
    atp.flags = (atp.flags | lt.torrent_flags.seed_mode) & ~lt.torrent_flags.auto_managed & ~lt.torrent_flags.paused
    h = ses.add_torrent(atp)

    ready = False
    checked = False  # READY waits for the check: a peer connecting earlier gets no handshake
    utp_peers = 0
    tcp_peers = 0
    while stop["reason"] is None and not deadline.passed():
        ses.wait_for_alert(int(min(200, max(1, deadline.left() * 1000))))
        for al in ses.pop_alerts():
            msg = al.message()
            c.say("ALERT %s %s" % (type(al).__name__, msg))
            if isinstance(al, lt.incoming_connection_alert):
                if "(uTP)" in msg:
                    utp_peers += 1
                else:
                    tcp_peers += 1
            if isinstance(al, lt.torrent_checked_alert):
                checked = True
            if isinstance(al, lt.listen_failed_alert):
                c.say("FAIL listen: " + msg)
                return 1
        if not ready:
            port = ses.listen_port()
            st = h.status()
            if port and st.is_seeding and checked:
                ready = True
                c.say("READY listen_port=%d" % port)
    if stop["reason"] is None:
        stop["reason"] = "timeout"
    uploaded = h.status().total_payload_upload
    c.say("EXIT uploaded=%d utp_peers=%d tcp_peers=%d reason=%s" % (uploaded, utp_peers, tcp_peers, stop["reason"]))
    # Leave without waiting for libtorrent's orderly shutdown (which can take seconds).
    sys.stdout.flush()
    os._exit(0 if ready else 1)


if __name__ == "__main__":
    sys.exit(main())
