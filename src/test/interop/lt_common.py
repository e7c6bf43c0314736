"""Shared helpers for lt_seed.py and lt_leech.py (libtorrent-rasterbar 2.0 from Debian's
python3-libtorrent; run with /usr/bin/python3)."""

import hashlib
import os
import random
import sys
import time

import libtorrent as lt

PE_DISABLED = 2  # libtorrent enc_policy: 0 forced, 1 enabled, 2 disabled


def say(line):
    """One line on stdout, flushed at once (the Java tests read it through a pipe)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def utp_only_settings(listen_host, listen_port):
    """Session settings for a uTP-only, loopback-only, plaintext session that unchokes at once."""
    s = {
        "listen_interfaces": "%s:%d" % (listen_host, listen_port),
        "enable_incoming_tcp": False,
        "enable_outgoing_tcp": False,
        "enable_incoming_utp": True,
        "enable_outgoing_utp": True,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_ip_notifier": False,
        "out_enc_policy": PE_DISABLED,
        "in_enc_policy": PE_DISABLED,
        "unchoke_slots_limit": -1,
        "allow_multiple_connections_per_ip": True,
        "alert_mask": (lt.alert.category_t.error_notification
                       | lt.alert.category_t.peer_notification
                       | lt.alert.category_t.connect_notification
                       | lt.alert.category_t.status_notification
                       | lt.alert.category_t.storage_notification),
    }
    return s


def make_payload(path, nbytes, seed):
    """Deterministic pseudo-random bytes (not the periodic utp_peer pattern: with a 256-byte
    period every piece would be identical, which would hide piece/offset mix-ups)."""
    rnd = random.Random(seed)
    with open(path, "wb") as f:
        left = nbytes
        while left > 0:
            n = min(left, 1 << 20)
            f.write(rnd.randbytes(n))
            left -= n


def make_torrent(data_path, torrent_path, piece_size):
    """A v1-only single-file torrent (libtorrent 2.0 makes hybrid v1+v2 by default)."""
    fs = lt.file_storage()
    lt.add_files(fs, data_path)
    if fs.num_files() != 1:
        raise RuntimeError("expected one file, got %d" % fs.num_files())
    ct = lt.create_torrent(fs, piece_size, flags=lt.create_torrent.v1_only)
    ct.set_creator("jutp interop lt_seed.py")
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(data_path)))
    blob = lt.bencode(ct.generate())
    with open(torrent_path, "wb") as f:
        f.write(blob)
    return lt.torrent_info(torrent_path)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def info_hash_hex(ti):
    """The v1 (SHA-1) info-hash as 40 hex digits."""
    return str(ti.info_hashes().v1)


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return self.end - time.monotonic()

    def passed(self):
        return self.left() <= 0
