package dev.jutp.interop;

import dev.jutp.UtpListener;
import dev.jutp.UtpOptions;
import dev.jutp.StreamDigest;
import dev.jutp.UtpStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jutp against libutp (npm utp-native 2.5.3 through src/test/interop/utp_peer.js), both roles, 50 MB
 * each way: the libutp peer echoes (or is echoed), so every byte crosses in both directions, and
 * {@code --strict-close} makes the peer fail unless its FIN is acknowledged.
 */
class LibutpInteropTest {
    static final int BYTES = 50_000_000;
    static final String NODE = "node";

    @BeforeAll
    static void tools() {
        Peer.requireNode();
    }

    /** utp_peer.js's pattern: byte[i] = (i*31+7) & 0xff. */
    static byte[] patternChunk(long offset, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) ((offset + i) * 31 + 7);
        }
        return b;
    }

    /** Reads to EOF checking every byte against the pattern and the total against {@code max}; returns the total. */
    static long drainPattern(java.io.InputStream in, long max) throws java.io.IOException {
        byte[] buf = new byte[65536];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            assertTrue(total + n <= max, "more than " + max + " bytes");
            byte[] got = n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
            org.junit.jupiter.api.Assertions.assertArrayEquals(patternChunk(total, n), got, "bytes at offset " + total);
            total += n;
        }
        return total;
    }

    static String patternSha(long total) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (long off = 0; off < total; off += 65536) {
            md.update(patternChunk(off, (int) Math.min(65536, total - off)));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String json(String line, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(\"([^\"]*)\"|[^,}]*)").matcher(line);
        assertTrue(m.find(), key + " missing in " + line);
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    static String sendPattern(OutputStream out, long total) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (long off = 0; off < total; off += 65536) {
            byte[] c = patternChunk(off, (int) Math.min(65536, total - off));
            out.write(c);
            md.update(c);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void jutpClientToLibutpEchoServer() throws Exception {
        try (Peer peer = Peer.start(List.of(NODE, "utp_peer.js", "listen", "--host", "127.0.0.1", "--port", "0",
                "--mode", "echo", "--bytes", Integer.toString(BYTES), "--strict-close", "--timeout-ms", "200000"));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            int port = Integer.parseInt(json(peer.await(l -> l.contains("\"listening\""), Duration.ofSeconds(30)), "port"));
            UtpOptions o = UtpOptions.defaults().withConnectTimeout(Duration.ofSeconds(10));
            try (UtpStream s = UtpStream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), o)) {
                Future<String> sent = pool.submit(() -> {
                    String h = sendPattern(s.getOutputStream(), BYTES);
                    s.shutdownOutput();                 // half-close: libutp sees EOF, keeps echoing
                    return h;
                });
                String[] got = StreamDigest.drain(s.getInputStream());     // the echo to libutp's FIN
                assertEquals(0, s.stats().windowOverrunDrops(), "libutp kept to jutp's receive window");
                assertEquals(Long.toString(BYTES), got[0]);
                assertEquals(patternSha(BYTES), sent.get(60, TimeUnit.SECONDS));
                assertEquals(patternSha(BYTES), got[1]);
            }
            String done = peer.await(l -> l.contains("\"done\"") || l.contains("\"error\""), Duration.ofSeconds(60));
            assertTrue(done.contains("\"ok\":true"), done);
            assertEquals(Integer.toString(BYTES), json(done, "received"));
            assertEquals(patternSha(BYTES), json(done, "received_sha256"));
            assertEquals("true", json(done, "fin_acked"), "libutp's FIN acknowledged by jutp: " + done);
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void libutpClientToJutpEchoServer() throws Exception {
        UtpOptions o = UtpOptions.defaults().withConnectTimeout(Duration.ofSeconds(10));
        try (UtpListener listener = UtpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), o);
             Peer peer = Peer.start(List.of(NODE, "utp_peer.js", "connect", "--host", "127.0.0.1",
                     "--port", Integer.toString(listener.localAddress().getPort()), "--mode", "echo",
                     "--bytes", Integer.toString(BYTES), "--strict-close", "--timeout-ms", "200000"))) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long total = 0;
            try (UtpStream s = listener.accept(Duration.ofSeconds(30))) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[65536];
                int n;
                while ((n = in.read(buf)) >= 0) {       // echo until libutp's FIN
                    md.update(buf, 0, n);
                    total += n;
                    out.write(buf, 0, n);
                }
                s.shutdownOutput();
                assertEquals(0, s.stats().windowOverrunDrops(), "libutp kept to jutp's receive window");
            }
            assertEquals(BYTES, total);
            assertEquals(patternSha(BYTES), HexFormat.of().formatHex(md.digest()));
            String done = peer.await(l -> l.contains("\"done\"") || l.contains("\"error\""), Duration.ofSeconds(60));
            assertTrue(done.contains("\"ok\":true"), done);
            assertEquals(Integer.toString(BYTES), json(done, "received"));
            assertEquals(patternSha(BYTES), json(done, "received_sha256"));
            assertEquals("true", json(done, "fin_acked"), "libutp's FIN acknowledged by jutp: " + done);
        }
    }
}
