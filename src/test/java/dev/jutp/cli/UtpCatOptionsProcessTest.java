package dev.jutp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.UtpEndpoint;
import java.io.File;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * utpcat's ucat options and failure modes end to end, as processes on loopback, with small
 * payloads: -s, -p, -B, -d (stderr only), --transport, binary safety, a peer's RST, the connect
 * and idle timeouts, and waiting for the peer after stdin EOF.
 */
class UtpCatOptionsProcessTest {
    private static final File NO_INPUT = new File("/dev/null");
    private static final Pattern READ_LINE = Pattern.compile("utpcat: read (\\d+) bytes from stdin");

    @TempDir
    Path dir;

    private CatProcess listener(String name, File stdin, int port, String... extra) throws Exception {
        String[] args = new String[extra.length + 4];
        System.arraycopy(new String[] {"-d", "-l", "-p", String.valueOf(port)}, 0, args, 0, 4);
        System.arraycopy(extra, 0, args, 4, extra.length);
        CatProcess p = CatProcess.start(dir, name, stdin, args);
        p.awaitErrLine(l -> l.startsWith("utpcat: listening on "));
        return p;
    }

    /** Every byte value, many times over, in an order that differs from {@code seed} to seed. */
    private Path allByteValues(String name, int repeats, int seed) throws Exception {
        byte[] b = new byte[256 * repeats];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 167 + seed + i / 256);
        }
        return Files.write(dir.resolve(name), b);
    }

    private static List<Integer> stdinReads(CatProcess p) {
        return p.errLines().stream().map(READ_LINE::matcher).filter(Matcher::matches)
                .map(m -> Integer.parseInt(m.group(1))).toList();
    }

    @Test
    void everyByteValueBothWaysWithSourceAddressReadBufferAndDebugOnStderrOnly() throws Exception {
        Path up = allByteValues("up.bin", 40, 1);
        Path down = allByteValues("down.bin", 30, 2);
        int port = CatProcess.freeUdpPort();
        int clientPort = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", down.toFile(), port, "-ddd", "-B", "1000");
                CatProcess client = CatProcess.start(dir, "client", up.toFile(), "-ddd", "-n", "-s", "127.0.0.2",
                        "-p", "" + clientPort, "-B", "1000", "--transport", "nio", "127.0.0.1", "" + port)) {
            assertEquals(0, client.exitCode(), client::err);
            assertEquals(0, server.exitCode(), server::err);
            // stdout is the payload and nothing else, although -ddd wrote plenty to stderr.
            assertEquals(-1, Files.mismatch(up, server.stdout), "server stdout differs from what the client sent");
            assertEquals(-1, Files.mismatch(down, client.stdout), "client stdout differs from what the server sent");
            // -s and -p name the client's local address: the listener sees 127.0.0.2, not 127.0.0.1.
            assertTrue(server.err().contains(" <-> 127.0.0.2:" + clientPort), server::err);
            assertTrue(client.err().contains("utpcat: bound 127.0.0.2:" + clientPort + " (transport nio)"),
                    client::err);
            // -B: stdin is read 1000 bytes at a time (as in ucat), on both sides.
            for (CatProcess p : List.of(client, server)) {
                List<Integer> reads = stdinReads(p);
                long total = reads.stream().mapToLong(Integer::longValue).sum();
                assertEquals(p == client ? Files.size(up) : Files.size(down), total, p::err);
                assertTrue(reads.stream().allMatch(n -> n <= 1000) && reads.size() >= total / 1000, p::err);
            }
        }
    }

    @Test
    void withoutNumericANameIsResolvedAndOneDebugFlagHasNoPerReadLines() throws Exception {
        Path up = allByteValues("up.bin", 8, 3);
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", NO_INPUT, port);
                CatProcess client = CatProcess.start(dir, "client", up.toFile(), "-d", "localhost", "" + port)) {
            assertEquals(0, client.exitCode(), client::err);
            assertEquals(0, server.exitCode(), server::err);
            assertTrue(client.err().contains("utpcat: connecting to 127.0.0.1:" + port), client::err);
            assertTrue(client.err().contains("utpcat: stdin EOF: sending FIN"), client::err);
            assertEquals(List.of(), stdinReads(client), client::err);
            assertEquals(-1, Files.mismatch(up, server.stdout));
        }
    }

    @Test
    void resetByThePeerMidTransferExitsOneSayingReset() throws Exception {
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", null, port);
                CatProcess client = CatProcess.start(dir, "client", null, "127.0.0.1", "" + port)) {
            server.awaitErrLine(l -> l.startsWith("utpcat: connected "));
            client.stdin().write("first line\n".getBytes(StandardCharsets.UTF_8));
            client.stdin().flush();
            assertEquals("first line", Files.readString(waitForBytes(server.stdout, 11)).strip());
            // The listener dies without a word; a fresh endpoint on its port knows nothing of the
            // connection and answers the next data packet with ST_RESET.
            server.process.destroyForcibly();
            assertTrue(server.process.waitFor(CatProcess.WAIT_SECONDS, TimeUnit.SECONDS));
            try (UtpEndpoint stranger = UtpEndpoint.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                client.stdin().write("second line\n".getBytes(StandardCharsets.UTF_8));
                client.stdin().flush();
                assertEquals(1, client.exitCode(), client::err);
            }
            List<String> err = client.errLines();
            assertEquals(List.of("utpcat: connection reset by peer"), err, client::err);
        }
    }

    @Test
    void connectTimeoutAgainstASilentPortExitsOneSayingTimedOut() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                CatProcess client = CatProcess.start(dir, "client", NO_INPUT, "--timeout", "1", "127.0.0.1",
                        "" + silent.getLocalPort())) {
            assertEquals(1, client.exitCode(), client::err);
            List<String> err = client.errLines();
            assertEquals(1, err.size(), client::err);
            assertTrue(err.get(0).startsWith("utpcat: connect to 127.0.0.1:" + silent.getLocalPort() + ": "),
                    client::err);
            assertTrue(err.get(0).contains("timed out"), client::err);
        }
    }

    @Test
    void idleTimeoutEndsASilentConnection() throws Exception {
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", null, port);
                CatProcess client = CatProcess.start(dir, "client", null, "--timeout", "1", "127.0.0.1", "" + port)) {
            // Both stdins stay open and empty: the connection is up but nothing moves.
            assertEquals(1, client.exitCode(), client::err);
            assertEquals(List.of("utpcat: timed out: no activity for 1 s"), client.errLines(), client::err);
            assertTrue(server.err().contains("utpcat: connected "), server::err);
        }
    }

    /**
     * After its stdin ends, the client keeps waiting for the server's data and FIN. (That an idle
     * endpoint does not spin is proven in virtual time by StreamScaleSimTest, which counts its
     * wake-ups; a CPU-over-a-slept-window figure here would be a wall-clock assertion.)
     */
    @Test
    void waitingForThePeerAfterStdinEofStillGetsTheLateReply() throws Exception {
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", null, port);
                CatProcess client = CatProcess.start(dir, "client", NO_INPUT, "-d", "127.0.0.1", "" + port)) {
            client.awaitErrLine(l -> l.startsWith("utpcat: stdin EOF"));
            server.awaitErrLine(l -> l.startsWith("utpcat: peer FIN"));
            assertTrue(client.process.isAlive(), "the client waits for the server's data and FIN");
            try (OutputStream in = server.stdin()) {
                in.write("late reply\n".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(0, client.exitCode(), client::err);
            assertEquals(0, server.exitCode(), server::err);
            assertEquals("late reply\n", Files.readString(client.stdout));
        }
    }

    @Test
    void demoWithDebugOverIpv6ShowsItsStepsOnStderr() throws Exception {
        try (CatProcess p = CatProcess.start(dir, "demo", NO_INPUT, "demo", "-6", "-d", "--size", "1M")) {
            assertEquals(0, p.exitCode(), p::err);
            String out = Files.readString(p.stdout);
            assertTrue(out.startsWith("utpcat demo: 1.0 MiB over uTP on [::1]:"), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("sha-256 received") && l.endsWith("  OK")), out);
            assertTrue(p.err().contains("utpcat demo: receiver accepted [::1]:"), p::err);
            assertTrue(p.err().contains("utpcat demo: sender: 1048576 bytes and FIN sent"), p::err);
            assertTrue(p.errLines().stream().allMatch(l -> l.startsWith("utpcat demo: ")), p::err);
        }
    }

    /** Waits (bounded) until {@code file} holds at least {@code n} bytes. */
    private static Path waitForBytes(Path file, long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CatProcess.WAIT_SECONDS);
        while (Files.size(file) < n) {
            assertTrue(System.nanoTime() < deadline, "no " + n + " bytes in " + file);
            Thread.sleep(20);
        }
        return file;
    }
}
