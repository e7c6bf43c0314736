package dev.jutp.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A utpcat process for the tests: the main class run by the test JVM's own java executable on the
 * test class path (surefire runs before the jar exists). Stdout goes to a file; stderr lines are
 * collected as they arrive so a test can wait for one (e.g. "listening on") without sleeping.
 */
final class CatProcess implements AutoCloseable {
    static final long WAIT_SECONDS = 120;

    final Process process;
    final Path stdout;
    private final List<String> errLines = new ArrayList<>();
    private final Thread errReader;

    private CatProcess(Process process, Path stdout) {
        this.process = process;
        this.stdout = stdout;
        this.errReader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (errLines) {
                        errLines.add(line);
                        errLines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
    }

    /** The command that runs utpcat with {@code args}. */
    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(UtpCat.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts utpcat with stdin from {@code stdin} (null: an open pipe, see {@link #stdin()}). */
    static CatProcess start(Path dir, String name, File stdin, String... args) throws IOException {
        Path out = dir.resolve(name + ".out");
        ProcessBuilder pb = new ProcessBuilder(command(args));
        if (stdin != null) {
            pb.redirectInput(stdin);
        }
        pb.redirectOutput(out.toFile());
        return new CatProcess(pb.start(), out);
    }

    /** Starts utpcat with its stdout a pipe to this process ({@code process.getInputStream()}); stdout is null. */
    static CatProcess startPipedOut(File stdin, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(args)).redirectInput(stdin);
        return new CatProcess(pb.start(), null);
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Waits until a stderr line matches, or fails the test after the bound. */
    String awaitErrLine(Predicate<String> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        synchronized (errLines) {
            while (true) {
                for (String l : errLines) {
                    if (match.test(l)) {
                        return l;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !errReader.isAlive())) {
                    fail("no matching stderr line; got " + errLines);
                }
                errLines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
        }
    }

    /** Waits for the exit (failing after the bound) and for stderr to be fully read. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("utpcat did not exit within " + WAIT_SECONDS + " s; stderr " + errLines());
        }
        errReader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    List<String> errLines() {
        synchronized (errLines) {
            return List.copyOf(errLines);
        }
    }

    String err() {
        return String.join("\n", errLines());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
        }
    }

    /** A loopback UDP port that was free a moment ago. */
    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    /** A file of {@code size} seeded pseudo-random bytes. */
    static Path randomFile(Path dir, String name, long size, long seed) throws IOException {
        Path p = dir.resolve(name);
        Random r = new Random(seed);
        byte[] buf = new byte[1 << 16];
        try (OutputStream o = Files.newOutputStream(p)) {
            for (long left = size; left > 0; ) {
                r.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                o.write(buf, 0, n);
                left -= n;
            }
        }
        return p;
    }

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
