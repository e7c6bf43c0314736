package dev.jutp.interop;

import dev.jutp.UtpListener;
import dev.jutp.UtpOptions;
import dev.jutp.UtpStream;
import dev.jutp.UtpStreamStats;
import dev.jutp.interop.BtWire.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jutp against libtorrent-rasterbar's own uTP (python3-libtorrent, TCP disabled in the scripts): a whole
 * 4 MB torrent each way over the BitTorrent wire, libtorrent as the seed and as the leech.
 */
class LibtorrentInteropTest {
    static final String PY = "/usr/bin/python3";
    /** Not a multiple of the piece size: the last piece (67,840 bytes) ends in a short block. */
    static final int SIZE = 4_000_000;
    static final int PIECE_SIZE = 256 * 1024;
    /** Requests in flight: 1 MiB; libtorrent allows far more (max_allowed_in_request_queue 2000). */
    static final int PIPELINE = 64;
    /** jutp leech's receive window: a quarter of what is requested, so libtorrent must keep to it. */
    static final int LEECH_WINDOW = 256 * 1024;
    /** Halfway through, the leech stops reading this long: the window fills, libtorrent has to wait. */
    static final Duration READ_PAUSE = Duration.ofMillis(500);
    static final Duration TRANSFER_LIMIT = Duration.ofSeconds(20);

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

    /** The value of the seed's {@code KEY=...} line; keys must be awaited in the order the script prints them. */
    static String header(Peer p, String key) throws Exception {
        return value(p.await(l -> l.startsWith(key + "="), Duration.ofSeconds(60)), key);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void jutpDownloadsAWholeTorrentFromLibtorrent(@TempDir Path dir) throws Exception {
        try (Peer seed = Peer.start(List.of(PY, "lt_seed.py", "--host", "127.0.0.1", "--port", "0",
                "--workdir", dir.toString(), "--bytes", Integer.toString(SIZE), "--piece-size", Integer.toString(PIECE_SIZE),
                "--timeout-s", "60"))) {
            Path data = Path.of(header(seed, "DATA"));
            byte[] infoHash = HexFormat.of().parseHex(header(seed, "INFOHASH"));
            String sha256 = header(seed, "SHA256");
            assertEquals(SIZE, Integer.parseInt(header(seed, "SIZE")));
            assertEquals(PIECE_SIZE, Integer.parseInt(header(seed, "PIECE_SIZE")));
            int port = Integer.parseInt(value(seed.await(l -> l.startsWith("READY"), Duration.ofSeconds(60)), "listen_port"));
            UtpOptions o = UtpOptions.defaults().withConnectTimeout(Duration.ofSeconds(10))
                    .withReceiveBufferBytes(LEECH_WINDOW);
            try (UtpStream s = UtpStream.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), o)) {
                s.setSoTimeout(30_000);
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
                OutputStream out = new BufferedOutputStream(s.getOutputStream());
                out.write(BtWire.handshake(infoHash, "-JU0001-jutpleech001"));
                out.flush();
                byte[] peerId;
                try {
                    peerId = BtWire.readHandshake(in, infoHash);
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("no handshake from libtorrent; jutp " + s.stats() + "; seed " + seed.transcript(), e);
                }
                assertTrue(new String(peerId, StandardCharsets.US_ASCII).startsWith("-LT"), "libtorrent peer id");
                BtWire.send(out, BtWire.INTERESTED, new byte[0]);
                out.flush();
                Download d = new Download(SIZE, PIECE_SIZE);
                long t0 = d.run(in, out, s, System.nanoTime() + TRANSFER_LIMIT.toNanos());
                long nanos = System.nanoTime() - t0;
                UtpStreamStats st = s.stats();
                System.out.printf("libtorrent -> jutp: %d bytes in %.3f s = %.1f MB/s (%.1f MB/s without the %d ms pause),"
                                + " window full at the pause: %d bytes unread, %d chokes, %d unasked blocks; %s%n",
                        SIZE, nanos / 1e9, mbPerSecond(SIZE, nanos), mbPerSecond(SIZE, nanos - READ_PAUSE.toNanos()),
                        READ_PAUSE.toMillis(), d.unreadAfterPause, d.chokes, d.unasked, st);
                assertTrue(d.unreadAfterPause >= LEECH_WINDOW / 2, "the pause filled the window: " + d.unreadAfterPause);
                assertArrayEquals(Files.readAllBytes(data), d.bytes, "every byte as in the seed's file");
                assertEquals(sha256, sha256(d.bytes), "sha256 the seed printed");
                assertEquals(0, st.windowOverrunDrops(), "libtorrent sent beyond jutp's advertised window");
            }
        }
    }

    /** A leech's side of one connection: request every block, PIPELINE at a time, while unchoked. */
    static final class Download {
        final byte[] bytes;
        final int pieceSize;
        final int blocks;
        final BitSet received = new BitSet();
        final BitSet outstanding = new BitSet();
        final ArrayDeque<Integer> toRequest = new ArrayDeque<>();
        int chokes;
        int unasked;
        int unreadAfterPause = -1;

        Download(int size, int pieceSize) {
            assertEquals(0, pieceSize % BtWire.BLOCK);
            this.bytes = new byte[size];
            this.pieceSize = pieceSize;
            this.blocks = (size + BtWire.BLOCK - 1) / BtWire.BLOCK;
            for (int b = 0; b < blocks; b++) {
                toRequest.add(b);
            }
        }

        /** Runs until every block arrived; returns the time of the first request. */
        long run(DataInputStream in, OutputStream out, UtpStream stream, long deadline) throws Exception {
            boolean unchoked = false;
            long firstRequest = 0;
            for (int i = 0; i < 100_000 && received.cardinality() < blocks; i++) {
                assertTrue(System.nanoTime() < deadline, "transfer not done in " + TRANSFER_LIMIT + ": "
                        + received.cardinality() + "/" + blocks + " blocks");
                Message m = BtWire.read(in);
                switch (m.id()) {
                    case BtWire.UNCHOKE -> unchoked = true;
                    case BtWire.CHOKE -> {               // without the fast extension a choke drops our requests
                        unchoked = false;
                        chokes++;
                        outstanding.stream().forEach(toRequest::addFirst);
                        outstanding.clear();
                    }
                    case BtWire.PIECE -> {
                        onPiece(m);
                        if (unreadAfterPause < 0 && received.cardinality() == blocks / 2) {
                            Thread.sleep(READ_PAUSE);
                            unreadAfterPause = stream.getInputStream().available();
                        }
                    }
                    default -> { }                       // bitfield, have: a seed has everything anyway
                }
                if (unchoked && !toRequest.isEmpty() && outstanding.cardinality() < PIPELINE) {
                    if (firstRequest == 0) {
                        firstRequest = System.nanoTime();
                    }
                    requestMore(out);
                }
            }
            assertEquals(blocks, received.cardinality(), "blocks received");
            return firstRequest;
        }

        private void requestMore(OutputStream out) throws IOException {
            while (outstanding.cardinality() < PIPELINE && !toRequest.isEmpty()) {
                int b = toRequest.poll();
                if (received.get(b) || outstanding.get(b)) {
                    continue;
                }
                long offset = (long) b * BtWire.BLOCK;
                BtWire.request(out, (int) (offset / pieceSize), (int) (offset % pieceSize), blockLength(b));
                outstanding.set(b);
            }
            out.flush();
        }

        private int blockLength(int b) {
            return Math.min(BtWire.BLOCK, bytes.length - b * BtWire.BLOCK);
        }

        private void onPiece(Message m) {
            ByteBuffer p = m.body();
            int piece = p.getInt();
            int begin = p.getInt();
            long offset = (long) piece * pieceSize + begin;
            assertTrue(begin % BtWire.BLOCK == 0 && offset < bytes.length, "piece " + piece + " begin " + begin);
            int b = (int) (offset / BtWire.BLOCK);
            assertEquals(blockLength(b), p.remaining(), "length of block " + b);
            if (!outstanding.get(b)) {
                unasked++;                               // sent before a choke took our request back
            }
            p.get(bytes, (int) offset, p.remaining());
            outstanding.clear(b);
            received.set(b);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void libtorrentDownloadsAWholeTorrentFromJutp(@TempDir Path dir) throws Exception {
        try (Peer make = Peer.start(List.of(PY, "lt_seed.py", "--workdir", dir.toString(), "--bytes", Integer.toString(SIZE),
                "--piece-size", Integer.toString(PIECE_SIZE), "--make-only"))) {
            Path data = Path.of(header(make, "DATA"));
            Path torrent = Path.of(header(make, "TORRENT"));
            byte[] infoHash = HexFormat.of().parseHex(header(make, "INFOHASH"));
            String sha256 = header(make, "SHA256");
            assertEquals(PIECE_SIZE, Integer.parseInt(header(make, "PIECE_SIZE")));
            byte[] file = Files.readAllBytes(data);
            assertEquals(SIZE, file.length);
            UtpOptions o = UtpOptions.defaults().withConnectTimeout(Duration.ofSeconds(5));
            try (UtpListener listener = UtpListener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), o);
                 Peer leech = Peer.start(List.of(PY, "lt_leech.py", "--torrent", torrent.toString(),
                         "--peer", "127.0.0.1:" + listener.localAddress().getPort(), "--host", "127.0.0.2",
                         "--save-dir", dir.resolve("leech").toString(), "--expect-sha256", sha256,
                         "--timeout-s", Long.toString(TRANSFER_LIMIT.toSeconds())))) {
                try (UtpStream s = listener.accept(Duration.ofSeconds(30))) {
                    long t0 = System.nanoTime();
                    Seed seed = new Seed(file, infoHash, PIECE_SIZE, s);
                    Thread server = Thread.ofVirtual().name("jutp-seed").start(seed::serve);
                    String done = leech.await(l -> l.startsWith("DONE") || l.startsWith("FAIL"),
                            TRANSFER_LIMIT.plusSeconds(5));
                    long nanos = System.nanoTime() - t0;
                    seed.stop();
                    assertTrue(server.join(Duration.ofSeconds(10)), "seed thread ended");
                    UtpStreamStats st = s.stats();
                    System.out.printf("jutp -> libtorrent: %d bytes in %.3f s = %.1f MB/s (leech: %s), %d requests, seed ended: %s; %s%n",
                            SIZE, nanos / 1e9, mbPerSecond(SIZE, nanos), done, seed.requests, seed.ending, st);
                    if (seed.failure.get() != null) {
                        throw new AssertionError("seed failed before the leech finished", seed.failure.get());
                    }
                    assertTrue(done.startsWith("DONE bytes=" + SIZE + " "), done);
                    assertEquals(sha256, value(done, "sha256"));
                    assertTrue(seed.served.get() >= SIZE, "bytes served " + seed.served.get());
                }
            }
        }
    }

    /** A seed's side of one connection: handshake, bitfield, unchoke on interested, answer every request. */
    static final class Seed {
        final byte[] file;
        final byte[] infoHash;
        final int pieceSize;
        final UtpStream stream;
        final AtomicLong served = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean stopping;
        volatile int requests;
        volatile String ending = "running";

        Seed(byte[] file, byte[] infoHash, int pieceSize, UtpStream stream) {
            this.file = file;
            this.infoHash = infoHash;
            this.pieceSize = pieceSize;
            this.stream = stream;
        }

        /** Serves until the leech says it is no longer interested or goes away; failures end in {@link #failure}. */
        void serve() {
            try {
                stream.setSoTimeout(30_000);
                DataInputStream in = new DataInputStream(new BufferedInputStream(stream.getInputStream(), 1 << 16));
                OutputStream out = stream.getOutputStream();
                byte[] peerId = BtWire.readHandshake(in, infoHash);
                assertTrue(new String(peerId, StandardCharsets.US_ASCII).startsWith("-LT"), "libtorrent peer id");
                out.write(BtWire.handshake(infoHash, "-JU0001-jutpseed0001"));
                BtWire.send(out, BtWire.BITFIELD, BtWire.allPieces((file.length + pieceSize - 1) / pieceSize));
                for (int i = 0; i < 100_000 && !stopping; i++) {
                    Message m = BtWire.read(in);
                    switch (m.id()) {
                        case BtWire.INTERESTED -> BtWire.send(out, BtWire.UNCHOKE, new byte[0]);
                        case BtWire.REQUEST -> answer(m.body(), out);
                        case BtWire.NOT_INTERESTED -> {
                            if (served.get() >= file.length) {
                                ending = "not interested";   // libtorrent has every piece
                                return;
                            }
                        }
                        default -> { }                   // have, cancel: a seed needs nothing
                    }
                }
            } catch (Throwable t) {
                // Once everything was served, libtorrent may leave in any way (its script exits at once).
                ending = stopping ? "stopped" : t.toString();
                if (!stopping && !(t instanceof IOException && served.get() >= file.length)) {
                    failure.set(t);
                }
            }
        }

        private void answer(ByteBuffer request, OutputStream out) throws IOException {
            int piece = request.getInt();
            int begin = request.getInt();
            int length = request.getInt();
            long offset = (long) piece * pieceSize + begin;
            assertTrue(piece >= 0 && begin >= 0 && length > 0 && length <= BtWire.BLOCK && begin + length <= pieceSize
                    && offset + length <= file.length, "request " + piece + "/" + begin + "/" + length);
            BtWire.piece(out, piece, begin, file, (int) offset, length);
            served.addAndGet(length);
            requests++;
        }

        void stop() throws IOException {
            stopping = true;
            stream.close();
        }
    }
}
