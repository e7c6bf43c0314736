package dev.jutp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** utpcat as a process on loopback: transfers, half-close, exit codes, progress and statistics. */
class UtpCatProcessTest {
    private static final long MB20 = 20L << 20;
    private static final File NO_INPUT = new File("/dev/null");

    @TempDir
    Path dir;

    private static boolean isListening(String line) {
        return line.startsWith("utpcat: listening on ");
    }

    private CatProcess listener(String name, File stdin, int port, String... extra) throws Exception {
        String[] args = new String[extra.length + 4];
        args[0] = "-d";
        args[1] = "-l";
        args[2] = "-p";
        args[3] = String.valueOf(port);
        System.arraycopy(extra, 0, args, 4, extra.length);
        CatProcess p = CatProcess.start(dir, name, stdin, args);
        p.awaitErrLine(UtpCatProcessTest::isListening);
        return p;
    }

    @Test
    void uploadsTwentyMegabytesToAListenerWhoseStdinIsEmpty() throws Exception {
        Path data = CatProcess.randomFile(dir, "up.bin", MB20, 1);
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", NO_INPUT, port);
                CatProcess client = CatProcess.start(dir, "client", data.toFile(), "127.0.0.1", "" + port)) {
            assertEquals(0, client.exitCode(), client::err);
            assertEquals(0, server.exitCode(), server::err);
            assertEquals(MB20, Files.size(server.stdout));
            assertEquals(CatProcess.sha256(data), CatProcess.sha256(server.stdout));
            assertEquals(0, Files.size(client.stdout));
        }
    }

    /**
     * Pipes at both ends (`producer | utpcat` and `utpcat -l | consumer`), the file-descriptor channel
     * path utpcat copies stdin and stdout through: the producer writes odd-sized pieces, the consumer
     * reads slowly at first (the receiver's stdout copier must wait on a full pipe); byte-exact.
     */
    @Test
    void pipeToPipeIsByteExact() throws Exception {
        Path data = CatProcess.randomFile(dir, "pipe.bin", MB20, 5);
        byte[] bytes = Files.readAllBytes(data);
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = CatProcess.startPipedOut(NO_INPUT, "-d", "-l", "-p", "" + port)) {
            server.awaitErrLine(UtpCatProcessTest::isListening);
            try (CatProcess client = CatProcess.start(dir, "client", null, "127.0.0.1", "" + port)) {
                Thread producer = Thread.ofPlatform().start(() -> {
                    try (OutputStream in = client.stdin()) {
                        for (int off = 0, i = 0; off < bytes.length; i++) {
                            int n = Math.min(bytes.length - off, 1 + (i * 7919) % 100_000);
                            in.write(bytes, off, n);
                            off += n;
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
                long total = 0;
                byte[] buf = new byte[1000];        // small reads first: the pipe fills behind them
                try (var out = server.process.getInputStream()) {
                    for (int n; (n = out.read(buf)) >= 0; ) {
                        sha.update(buf, 0, n);
                        total += n;
                        if (total > (4 << 20) && buf.length < 65_536) {
                            buf = new byte[65_536];
                            // Both utpcat ends grew the pipes they were given (once their copier started).
                            assertEquals(StdioChannels.PIPE_BYTES, ourPipeCapacity(server.process.pid(), 1));
                            assertEquals(StdioChannels.PIPE_BYTES, ourPipeCapacity(client.process.pid(), 0));
                        }
                    }
                }
                producer.join(TimeUnit.SECONDS.toMillis(CatProcess.WAIT_SECONDS));
                assertEquals(0, client.exitCode(), client::err);
                assertEquals(0, server.exitCode(), server::err);
                assertEquals(MB20, total);
                assertEquals(CatProcess.sha256(data), java.util.HexFormat.of().formatHex(sha.digest()));
            }
        }
    }

    /** The capacity of the pipe whose other end is {@code fd} of process {@code pid}, read at this process's end. */
    private static int ourPipeCapacity(long pid, int fd) throws java.io.IOException {
        return dev.jutp.net.Pipes.capacity(dev.jutp.net.OwnDescriptors.sameAs(pid, fd));
    }

    @Test
    void downloadsTwentyMegabytesFromAListener() throws Exception {
        Path data = CatProcess.randomFile(dir, "down.bin", MB20, 2);
        int port = CatProcess.freeUdpPort();
        int clientPort = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", data.toFile(), port);
                CatProcess client = CatProcess.start(dir, "client", NO_INPUT, "-n", "-s", "127.0.0.1", "-p",
                        "" + clientPort, "127.0.0.1", "" + port)) {
            assertEquals(0, client.exitCode(), client::err);
            assertEquals(0, server.exitCode(), server::err);
            // -s and -p pick the client's local address in connect mode too (as in ucat).
            assertTrue(server.err().contains(" <-> 127.0.0.1:" + clientPort), server::err);
            assertEquals(MB20, Files.size(client.stdout));
            assertEquals(CatProcess.sha256(data), CatProcess.sha256(client.stdout));
            assertEquals(0, Files.size(server.stdout));
        }
    }

    @Test
    void halfCloseLetsTheClientReceiveTheReplyAfterItsFin() throws Exception {
        Path request = CatProcess.randomFile(dir, "request.bin", 300_000, 3);
        Path reply = CatProcess.randomFile(dir, "reply.bin", 2_000_000, 4);
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", null, port);
                CatProcess client = CatProcess.start(dir, "client", request.toFile(), "-d", "127.0.0.1", "" + port)) {
            // The server answers only once the client's FIN has arrived: the request is complete.
            server.awaitErrLine(l -> l.startsWith("utpcat: peer FIN"));
            assertEquals(Files.size(request), Files.size(server.stdout));
            assertTrue(client.process.isAlive(), "client must wait for the reply after sending its FIN");
            try (OutputStream in = server.stdin()) {
                in.write(Files.readAllBytes(reply));
            }
            assertEquals(0, client.exitCode(), client::err);
            assertEquals(0, server.exitCode(), server::err);
            assertEquals(CatProcess.sha256(request), CatProcess.sha256(server.stdout));
            assertEquals(CatProcess.sha256(reply), CatProcess.sha256(client.stdout));
            List<String> order = client.errLines().stream()
                    .filter(l -> l.startsWith("utpcat: stdin EOF") || l.startsWith("utpcat: peer FIN"))
                    .collect(Collectors.toList());
            assertEquals(2, order.size(), client::err);
            assertTrue(order.get(0).startsWith("utpcat: stdin EOF"), client::err);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-l", "localhost", "-x 127.0.0.1 1", "127.0.0.1 99999", "127.0.0.1 port",
            "--transport foo 127.0.0.1 1", "-l -p 1 extra", "-l -p 0", "-n localhost 1", "-B 0 127.0.0.1 1",
            "--timeout -1 127.0.0.1 1", "demo --size abc", "demo extra"})
    void badArgumentsExitTwoWithAUsageLine(String args) throws Exception {
        String[] argv = args.isEmpty() ? new String[0] : args.split(" ");
        try (CatProcess p = CatProcess.start(dir, "bad", NO_INPUT, argv)) {
            assertEquals(2, p.exitCode(), p::err);
            List<String> err = p.errLines();
            assertEquals(2, err.size(), p::err);
            assertTrue(err.get(0).startsWith("utpcat: "), p::err);
            assertTrue(err.get(1).startsWith("usage: utpcat"), p::err);
            assertEquals(0, Files.size(p.stdout));
        }
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() throws Exception {
        try (CatProcess p = CatProcess.start(dir, "help", NO_INPUT, "-h")) {
            assertEquals(0, p.exitCode(), p::err);
            String out = Files.readString(p.stdout);
            assertTrue(out.startsWith("usage: utpcat [options] <destination-host> <destination-port>"), out);
            assertTrue(out.contains("--transport <nio|linux|auto>"), out);
            assertTrue(out.contains("utpcat demo"), out);
        }
    }

    /**
     * The Linux transport exists only on Linux x86-64/aarch64: elsewhere its cases are skipped with
     * that reason; under CI (which runs on such a machine) its absence is a failure, never a skip.
     */
    private static void requireTransport(String transport) {
        dev.jutp.TransportAvailability.require(dev.jutp.Transport.fromId(transport));
    }

    /** The Linux transport reads ICMP (refused at once); the portable one cannot (times out). */
    @ParameterizedTest
    @ValueSource(strings = {"linux", "nio"})
    void refusedConnectionExitsOneWithOneLineWithinTheTimeout(String transport) throws Exception {
        requireTransport(transport);
        int port = CatProcess.freeUdpPort();
        try (CatProcess p = CatProcess.start(dir, "refused-" + transport, NO_INPUT, "--transport", transport,
                "--timeout", "5", "127.0.0.1", "" + port)) {
            assertTrue(p.process.waitFor(60, TimeUnit.SECONDS), "utpcat must give up");
            assertEquals(1, p.exitCode(), p::err);
            List<String> err = p.errLines();
            assertEquals(1, err.size(), p::err);
            assertTrue(err.get(0).startsWith("utpcat: connect to 127.0.0.1:" + port + ": "), p::err);
            String reason = err.get(0).toLowerCase();
            assertTrue(reason.contains(transport.equals("linux") ? "refused" : "timed out"), p::err);
        }
    }

    @Test
    void listenerWithoutPeerTimesOut() throws Exception {
        int port = CatProcess.freeUdpPort();
        try (CatProcess p = CatProcess.start(dir, "lonely", NO_INPUT, "-l", "-p", "" + port, "--timeout", "1")) {
            assertEquals(1, p.exitCode(), p::err);
            List<String> err = p.errLines();
            assertEquals(1, err.size(), p::err);
            assertTrue(err.get(0).startsWith("utpcat: accept: "), p::err);
        }
    }

    @Test
    void peerVanishingMidConnectionExitsOneWithOneLine() throws Exception {
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", NO_INPUT, port);
                CatProcess client = CatProcess.start(dir, "client", null, "--timeout", "5", "127.0.0.1", "" + port)) {
            server.awaitErrLine(l -> l.startsWith("utpcat: connected "));
            server.process.destroy(); // the peer disappears without closing
            assertTrue(server.process.waitFor(CatProcess.WAIT_SECONDS, TimeUnit.SECONDS));
            try {
                client.stdin().write("after the peer is gone\n".getBytes(StandardCharsets.UTF_8));
                client.stdin().flush();
            } catch (java.io.IOException alreadyExited) {
                // The server's RST (SIGTERM resets) may have ended the client before this write: the
                // exit code and message below are what this test judges.
            }
            assertEquals(1, client.exitCode(), client::err);
            List<String> err = client.errLines();
            assertEquals(1, err.size(), client::err);
            // SIGTERM makes the server reset its connection on the way out (aSignalledUtpcatResetsItsPeer).
            assertEquals("utpcat: connection reset by peer", err.get(0), client::err);
        }
    }

    /**
     * Ctrl-C (SIGINT) or SIGTERM on one side resets the connection before that process exits, so the
     * other side, whose own stdin is already done, ends with "connection reset by peer" instead of
     * waiting forever for a peer that is gone (the idle timeout is off by default).
     */
    @ParameterizedTest
    @ValueSource(strings = {"linux INT", "linux TERM", "nio INT", "nio TERM"})
    void aSignalledUtpcatResetsItsPeer(String transportAndSignal) throws Exception {
        String transport = transportAndSignal.split(" ")[0];
        String signal = transportAndSignal.split(" ")[1];
        requireTransport(transport);
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server-" + transport + signal, NO_INPUT, port, "--transport", transport);
                CatProcess client = CatProcess.start(dir, "client-" + transport + signal, null, "-d", "--transport",
                        transport, "127.0.0.1", "" + port)) {
            server.awaitErrLine(l -> l.startsWith("utpcat: connected "));
            client.awaitErrLine(l -> l.startsWith("utpcat: connected "));
            long start = System.nanoTime();
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(client.process.pid())).start();
            assertEquals(0, kill.waitFor(), "kill -" + signal);
            assertEquals(1, server.exitCode(), server::err);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            List<String> err = server.errLines();
            assertEquals("utpcat: connection reset by peer", err.get(err.size() - 1), server::err);
            System.out.println("utpcat " + transport + " SIG" + signal + ": the peer ended " + millis + " ms after the signal");
            assertTrue(client.process.waitFor(CatProcess.WAIT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void ipv6LoopbackBothWays() throws Exception {
        Path up = CatProcess.randomFile(dir, "up6.bin", 500_000, 10);
        Path down = CatProcess.randomFile(dir, "down6.bin", 700_000, 11);
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", down.toFile(), port, "-6");
                CatProcess client = CatProcess.start(dir, "client", up.toFile(), "-n", "::1", "" + port)) {
            assertEquals(0, client.exitCode(), client::err);
            assertEquals(0, server.exitCode(), server::err);
            assertEquals(CatProcess.sha256(up), CatProcess.sha256(server.stdout));
            assertEquals(CatProcess.sha256(down), CatProcess.sha256(client.stdout));
            assertTrue(server.err().contains("listening on [::]:" + port), server::err);
        }
    }

    @Test
    void progressLineWhenAskedEvenWithoutTerminal() throws Exception {
        Path data = CatProcess.randomFile(dir, "p.bin", 3_000_000, 5);
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", NO_INPUT, port);
                CatProcess client = CatProcess.start(dir, "client", data.toFile(), "--progress", "127.0.0.1",
                        "" + port)) {
            assertEquals(0, client.exitCode(), client::err);
            assertEquals(0, server.exitCode(), server::err);
            String last = client.errLines().getLast();
            assertTrue(last.startsWith("utpcat: sent 2.9 MiB / 2.9 MiB (100%)"), client::err);
            assertTrue(last.contains(" ETA 0:00"), client::err);
            assertFalse(client.err().contains("\r"), "no carriage returns off a terminal: " + client.err());
            assertTrue(server.errLines().stream().noneMatch(l -> l.startsWith("utpcat: sent ")), server::err);
        }
    }

    @Test
    void noProgressWithoutTerminalByDefault() throws Exception {
        Path data = CatProcess.randomFile(dir, "q.bin", 3_000_000, 6);
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", NO_INPUT, port);
                CatProcess client = CatProcess.start(dir, "client", data.toFile(), "127.0.0.1", "" + port)) {
            assertEquals(0, client.exitCode(), client::err);
            assertEquals(0, server.exitCode(), server::err);
            assertEquals(List.of(), client.errLines());
        }
    }

    record Terminal(int exit, String transcript) {}

    /** Runs a shell command line under {@code script}, whose stdout and stderr are a pseudo-terminal. */
    private Terminal onTerminal(String commandLine) throws Exception {
        Path transcript = dir.resolve("tty.txt");
        Process script = new ProcessBuilder("script", "-qec", commandLine, "/dev/null")
                .redirectInput(NO_INPUT).redirectErrorStream(true).redirectOutput(transcript.toFile()).start();
        try {
            assertTrue(script.waitFor(CatProcess.WAIT_SECONDS, TimeUnit.SECONDS), "script did not finish");
        } finally {
            script.destroy();
        }
        return new Terminal(script.exitValue(), Files.readString(transcript, StandardCharsets.UTF_8));
    }

    @Test
    void progressOnATerminalByDefault() throws Exception {
        Path data = CatProcess.randomFile(dir, "t.bin", 3_000_000, 7);
        Path clientOut = dir.resolve("t.out");
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", NO_INPUT, port)) {
            String inner = CatProcess.command("127.0.0.1", "" + port).stream().map(UtpCatProcessTest::quote)
                    .collect(Collectors.joining(" ")) + " < " + quote(data.toString()) + " > " + quote(clientOut.toString());
            Terminal t = onTerminal(inner);
            assertEquals(0, server.exitCode(), server::err);
            String tty = t.transcript();
            assertEquals(0, t.exit(), tty);
            assertTrue(tty.contains("\rutpcat: sent 2.9 MiB / 2.9 MiB (100%)"), tty);
            assertEquals(CatProcess.sha256(data), CatProcess.sha256(server.stdout));
            assertEquals(0, Files.size(clientOut));
        }
    }

    @Test
    void noProgressOnATerminalWhenDisabled() throws Exception {
        Path data = CatProcess.randomFile(dir, "u.bin", 1_000_000, 8);
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", NO_INPUT, port)) {
            String inner = CatProcess.command("--no-progress", "127.0.0.1", "" + port).stream()
                    .map(UtpCatProcessTest::quote).collect(Collectors.joining(" "))
                    + " < " + quote(data.toString()) + " > /dev/null; echo \"exit=$?\"";
            String tty = onTerminal(inner).transcript();
            assertEquals(0, server.exitCode(), server::err);
            assertTrue(tty.contains("exit=0"), tty);
            assertFalse(tty.contains("utpcat:"), tty);
        }
    }

    @Test
    void statsAtTheEnd() throws Exception {
        Path data = CatProcess.randomFile(dir, "s.bin", 1_000_000, 9);
        int port = CatProcess.freeUdpPort();
        try (CatProcess server = listener("server", NO_INPUT, port, "--stats");
                CatProcess client = CatProcess.start(dir, "client", data.toFile(), "--stats", "127.0.0.1",
                        "" + port)) {
            assertEquals(0, client.exitCode(), client::err);
            assertEquals(0, server.exitCode(), server::err);
            String err = client.err();
            assertTrue(err.contains("utpcat: connection statistics"), err);
            assertTrue(err.contains("bytes        sent 1000000  received 0"), err);
            assertTrue(err.matches("(?s).*packets      sent [1-9]\\d*  received [1-9]\\d*\n.*"), err);
            assertTrue(err.contains("retransmits") && err.contains("fast retransmits")
                    && err.contains("duplicates received"), err);
            assertTrue(err.contains("rtt ") && err.contains("mtu "), err);
            assertTrue(server.err().contains("bytes        sent 0  received 1000000"), server::err);
        }
    }

    @Test
    void demoTransfersTwentyMegabytesAndVerifies() throws Exception {
        try (CatProcess p = CatProcess.start(dir, "demo", NO_INPUT, "demo", "--size", "20M")) {
            assertEquals(0, p.exitCode(), p::err);
            String out = Files.readString(p.stdout);
            assertTrue(out.contains("transferred 20.0 MiB (20971520 bytes) in "), out);
            assertTrue(out.contains("MiB/s") || out.contains("KiB/s"), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("sha-256 received") && l.endsWith("  OK")), out);
            assertTrue(out.contains("sender statistics") && out.contains("receiver statistics"), out);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
