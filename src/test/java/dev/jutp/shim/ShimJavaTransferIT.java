package dev.jutp.shim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jutp.UtpListener;
import dev.jutp.UtpStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 20 MB byte-exact over loopback between the C example {@code c-api-shim/build/ucat_like} (libutp's
 * API through the shim, its own JVM started inside the process) and jutp's stream API in this JVM,
 * both directions. Runs after {@code package} and after the pre-integration-test {@code make}, so
 * the jar (the shim's agent) and the example exist; {@code -Djutp.shim.skip=true} skips it.
 */
class ShimJavaTransferIT {
    private static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path UCAT = ROOT.resolve("c-api-shim/build/ucat_like");
    private static final int SIZE = 20 << 20;
    private static final Duration LIMIT = Duration.ofSeconds(150);

    private static byte[] data;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeData() {
        assumeFalse(Boolean.getBoolean("jutp.shim.skip"), "c-api-shim skipped (-Djutp.shim.skip=true)");
        assertTrue(Files.isExecutable(UCAT), UCAT + " missing: the pre-integration-test make did not build it");
        data = new byte[SIZE];
        new Random(0x5EED).nextBytes(data);
    }

    @Test
    void javaSendsTwentyMegabytesToTheShim() throws Exception {
        Path portFile = dir.resolve("port");
        Path received = dir.resolve("received.bin");
        Process c = startUcat("-l", "-P", portFile.toString(), "-o", received.toString());
        try {
            int port = awaitPort(portFile, c);
            long t0 = System.nanoTime();
            try (UtpStream s = UtpStream.connect(loopback(port), Duration.ofSeconds(10))) {
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < SIZE; off += 1 << 16) {
                    out.write(data, off, Math.min(1 << 16, SIZE - off));
                }
                s.shutdownOutput();
                // ucat_like exits once it has read our FIN, i.e. once every byte has arrived.
                assertTrue(c.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS), "ucat_like -l did not finish");
                report("jutp Java -> shim ucat_like", t0);
            }
            assertEquals(0, c.exitValue(), log(c));
            assertEquals(SIZE, Files.size(received));
            assertArrayEquals(sha256(data), sha256(Files.readAllBytes(received)));
        } finally {
            c.destroyForcibly();
        }
    }

    @Test
    void shimSendsTwentyMegabytesToJava() throws Exception {
        Path input = Files.write(dir.resolve("input.bin"), data);
        try (UtpListener listener = UtpListener.bind(loopback(0))) {
            Process c = startUcat("-i", input.toString(), "127.0.0.1",
                    Integer.toString(listener.localAddress().getPort()));
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long total = 0;
                try (UtpStream s = listener.accept(Duration.ofSeconds(60))) {
                    long t0 = System.nanoTime();
                    s.setSoTimeout((int) LIMIT.toMillis());
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        sha.update(buf, 0, n);
                        total += n;
                    }
                    report("shim ucat_like -> jutp Java", t0);
                }
                // The sender exits once its FIN is acknowledged and its socket destroyed.
                assertTrue(c.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS), "ucat_like sender did not finish");
                assertEquals(0, c.exitValue(), log(c));
                assertEquals(SIZE, total);
                assertArrayEquals(sha256(data), sha.digest());
            } finally {
                c.destroyForcibly();
            }
        }
    }

    private Process startUcat(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(UCAT.toString(), "-t", Long.toString(LIMIT.toSeconds() - 10)));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JUTP_JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JUTP_JAR", jar().toString());
        return pb.redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("ucat.log").toFile())
                .start();
    }

    private static Path jar() throws IOException {
        try (var jars = Files.list(ROOT.resolve("target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("jutp-[^-]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("target/jutp-*.jar missing"));
        }
    }

    private int awaitPort(Path portFile, Process c) throws Exception {
        for (int i = 0; i < 600; i++) {
            String text = Files.exists(portFile) ? Files.readString(portFile) : "";
            if (text.endsWith("\n")) {                  // written completely
                return Integer.parseInt(text.trim());
            }
            assertTrue(c.isAlive(), () -> "ucat_like -l exited early: " + log(c));
            Thread.sleep(50);
        }
        throw new AssertionError("ucat_like -l wrote no port within 30 s: " + log(c));
    }

    private String log(Process c) {
        try {
            return Files.readString(dir.resolve("ucat.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void report(String what, long t0) {
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: %d MiB in %.2f s, %.1f MB/s (connection to last byte)%n",
                what, SIZE >> 20, secs, SIZE / 1e6 / secs);
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
