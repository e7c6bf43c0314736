package dev.jutp.interop;

import dev.jutp.UtpListener;
import dev.jutp.UtpOptions;
import dev.jutp.UtpStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * jutp against libtorrent-rasterbar's own uTP (python3-libtorrent, TCP disabled in the scripts):
 * a BitTorrent handshake and one verified block each way of connection setup.
 */
class LibtorrentInteropTest {
    static final String PY = "/usr/bin/python3";
    static final byte[] PSTR = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
    static final int BLOCK = 16384;

    @BeforeAll
    static void tools() {
        Peer.requireLibtorrent();
    }

    static String value(String line, String key) {
        for (String part : line.split(" ")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        throw new AssertionError(key + " missing in " + line);
    }

    static byte[] handshake(byte[] infoHash, String peerId) {
        ByteBuffer b = ByteBuffer.allocate(68);
        b.put((byte) 19).put(PSTR).put(new byte[8]).put(infoHash)
                .put(Arrays.copyOf(peerId.getBytes(StandardCharsets.US_ASCII), 20));
        return b.array();
    }

    /** Reads the peer's 68-byte handshake, checks protocol and info-hash; returns the peer id. */
    static byte[] readHandshake(DataInputStream in, byte[] infoHash) throws IOException {
        byte[] h = new byte[68];
        in.readFully(h);
        assertEquals(19, h[0]);
        assertArrayEquals(PSTR, Arrays.copyOfRange(h, 1, 20));
        assertArrayEquals(infoHash, Arrays.copyOfRange(h, 28, 48), "info-hash echoed");
        return Arrays.copyOfRange(h, 48, 68);
    }

    static void message(OutputStream out, int id, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
        b.putInt(1 + payload.length).put((byte) id).put(payload);
        out.write(b.array());
    }

    /** Next non-keep-alive message: [id, payload...]. Bounded by the stream's read timeout. */
    static byte[] readMessage(DataInputStream in) throws IOException {
        for (int i = 0; i < 1000; i++) {
            int len = in.readInt();
            if (len == 0) {
                continue;
            }
            assertTrue(len > 0 && len < (1 << 20), "message length " + len);
            byte[] m = new byte[len];
            in.readFully(m);
            return m;
        }
        throw new AssertionError("only keep-alives");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void jutpFetchesAPieceFromLibtorrentSeed(@TempDir Path dir) throws Exception {
        try (Peer seed = Peer.start(List.of(PY, "lt_seed.py", "--host", "127.0.0.1", "--port", "0",
                "--workdir", dir.toString(), "--bytes", "100000", "--piece-size", "32768", "--timeout-s", "90"))) {
            Path data = Path.of(value(seed.await(l -> l.startsWith("DATA="), Duration.ofSeconds(60)), "DATA"));
            byte[] infoHash = HexFormat.of().parseHex(value(seed.await(l -> l.startsWith("INFOHASH="), Duration.ofSeconds(60)), "INFOHASH"));
            int port = Integer.parseInt(value(seed.await(l -> l.startsWith("READY"), Duration.ofSeconds(60)), "listen_port"));
            UtpOptions o = UtpOptions.defaults().withConnectTimeout(Duration.ofSeconds(10));
            try (UtpStream s = UtpStream.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), o)) {
                s.setSoTimeout(30_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write(handshake(infoHash, "-JU0001-jutptest0001"));
                byte[] peerId = readHandshake(in, infoHash);
                assertTrue(new String(peerId, StandardCharsets.US_ASCII).startsWith("-LT"), "libtorrent peer id");
                message(out, 2, new byte[0]);                           // interested
                boolean unchoked = false;
                boolean requested = false;
                for (int i = 0; i < 100; i++) {
                    byte[] m = readMessage(in);
                    if (m[0] == 1 && !requested) {                      // unchoke
                        unchoked = true;
                        requested = true;
                        message(out, 6, ByteBuffer.allocate(12).putInt(1).putInt(0).putInt(BLOCK).array());
                    } else if (m[0] == 7) {                             // piece
                        ByteBuffer p = ByteBuffer.wrap(m, 1, m.length - 1);
                        assertEquals(1, p.getInt());
                        assertEquals(0, p.getInt());
                        byte[] block = Arrays.copyOfRange(m, 9, m.length);
                        byte[] expected = Arrays.copyOfRange(Files.readAllBytes(data), 32768, 32768 + BLOCK);
                        assertArrayEquals(expected, block, "piece 1, block 0");
                        assertTrue(unchoked);
                        return;
                    }
                }
                fail("no piece message from libtorrent");
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void libtorrentConnectsToJutpListener(@TempDir Path dir) throws Exception {
        try (Peer make = Peer.start(List.of(PY, "lt_seed.py", "--workdir", dir.toString(), "--bytes", "100000",
                "--make-only"))) {
            Path torrent = Path.of(value(make.await(l -> l.startsWith("TORRENT="), Duration.ofSeconds(60)), "TORRENT"));
            byte[] infoHash = HexFormat.of().parseHex(value(make.await(l -> l.startsWith("INFOHASH="), Duration.ofSeconds(60)), "INFOHASH"));
            int pieces = (100000 + 32767) / 32768;
            UtpOptions o = UtpOptions.defaults().withConnectTimeout(Duration.ofSeconds(5));
            try (UtpListener listener = UtpListener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), o);
                 Peer leech = Peer.start(List.of(PY, "lt_leech.py", "--torrent", torrent.toString(),
                         "--peer", "127.0.0.1:" + listener.localAddress().getPort(), "--host", "127.0.0.2",
                         "--save-dir", dir.resolve("leech").toString(), "--timeout-s", "60"))) {
                try (UtpStream s = listener.accept(Duration.ofSeconds(60))) {
                    s.setSoTimeout(30_000);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    readHandshake(in, infoHash);
                    s.getOutputStream().write(handshake(infoHash, "-JU0001-jutplisten01"));
                    byte[] bitfield = new byte[(pieces + 7) / 8];
                    for (int i = 0; i < pieces; i++) {
                        bitfield[i / 8] |= (byte) (0x80 >>> (i % 8));
                    }
                    message(s.getOutputStream(), 5, bitfield);
                    // libtorrent accepted our handshake if it goes on to say it is interested in our pieces.
                    for (int i = 0; i < 100; i++) {
                        if (readMessage(in)[0] == 2) {
                            return;
                        }
                    }
                    fail("libtorrent never sent interested");
                }
            }
        }
    }
}
