package dev.jutp.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The user's path: two {@code bin/utpcat} processes on loopback, {@code utpcat -l -p P | check} and
 * {@code utpcat 127.0.0.1 P < file}, as a user would start them. Timed from the sender's start to its
 * exit, so JVM start, warm-up, handshake and close all count. The receiver's stdout is a pipe into this
 * process, which checks every byte against {@link DataPattern} (a consumer in another process, as
 * {@code utpcat -l | tar x} has). CPU is what the two utpcat processes used, from this process's
 * waited-for-children counters.
 */
final class UtpcatPair {
    /** What one transfer produced; {@code receiverMbPerSecond} is first byte to EOF at the checker. */
    record Outcome(long bytes, long mismatchAt, double seconds, double receiverMbPerSecond, double cpuSeconds,
                   String error) {}

    private final Path launcher;
    private final Map<String, String> env;

    /** {@code env}: extra environment for both processes (e.g. UTPCAT_JAVA_OPTS). */
    UtpcatPair(Path launcher, Map<String, String> env) {
        this.launcher = launcher;
        this.env = env;
    }

    Outcome transfer(Path input, Duration timeout) throws IOException, InterruptedException {
        int port = freeUdpPort();
        double cpu0 = childCpuSeconds();
        Process rx = start(input.getParent(), null, "-d", "--no-progress", "-l", "-p", Integer.toString(port));
        Process tx = null;
        try (Watchdog w = new Watchdog(timeout, () -> destroy(rx))) {
            List<String> rxErr = new ArrayList<>();
            if (!awaitListening(rx, rxErr)) {
                return failed("receiver did not listen: " + String.join(" / ", rxErr));
            }
            CompletableFuture<long[]> checked = CompletableFuture.supplyAsync(() -> check(rx.getInputStream()),
                    r -> Thread.ofVirtual().start(r));
            long start = System.nanoTime();
            tx = start(input.getParent(), input, "--no-progress", "127.0.0.1", Integer.toString(port));
            Process sender = tx;
            try (Watchdog w2 = new Watchdog(timeout, () -> destroy(sender))) {
                int txExit = tx.waitFor();
                double seconds = (System.nanoTime() - start) / 1e9;
                String txErr = new String(tx.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                long[] got = checked.get(timeout.toSeconds(), TimeUnit.SECONDS);
                int rxExit = rx.waitFor();
                double cpu = childCpuSeconds() - cpu0;
                String error = txExit != 0 || rxExit != 0
                        ? "exit " + txExit + "/" + rxExit + " " + txErr + " " + String.join(" / ", rxErr) : "";
                double rxRate = got[2] > 0 ? got[0] / 1e6 / (got[2] / 1e9) : 0;
                return new Outcome(got[0], got[1], seconds, rxRate, cpu, error.trim());
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return failed("checker: " + e);
            }
        } finally {
            destroy(rx);
            if (tx != null) {
                destroy(tx);
            }
        }
    }

    /**
     * Seconds from launching {@code utpcat 127.0.0.1 P} to its first datagram (a uTP SYN) arriving at a
     * loopback socket bound to P that never answers; the process is then stopped. NaN if no SYN came
     * within {@code timeout}. Launch to SYN is what a user waits for before anything moves: the launcher
     * script, JVM start, class loading, linking the transport's native calls, the I/O thread's start.
     */
    double startToFirstSyn(Path dir, Duration timeout) throws IOException, InterruptedException {
        try (DatagramChannel listener = DatagramChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.configureBlocking(false);
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            try (Selector selector = Selector.open()) {
                listener.register(selector, SelectionKey.OP_READ);
                long start = System.nanoTime();
                Process p = start(dir, null, "--no-progress", "127.0.0.1", Integer.toString(port));
                try {
                    ByteBuffer first = ByteBuffer.allocate(2048);
                    long deadline = start + timeout.toNanos();
                    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                        selector.select(Math.max(1, left / 1_000_000));
                        selector.selectedKeys().clear();
                        if (listener.receive(first) != null) {
                            long arrived = System.nanoTime();
                            // ST_SYN (4) in the high nibble, version 1 in the low one.
                            return first.position() >= 20 && first.get(0) == 0x41 ? (arrived - start) / 1e9 : Double.NaN;
                        }
                    }
                    return Double.NaN;
                } finally {
                    destroy(p);
                    p.waitFor();
                }
            }
        }
    }

    private Process start(Path dir, Path stdin, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(env);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        }
        Process p = pb.start();
        if (stdin == null) {
            p.getOutputStream().close(); // the receiver sends nothing back: its stdin is at EOF
        }
        return p;
    }

    /** Reads the receiver's -d lines until "listening on" (true) or its stderr ends (false). */
    private static boolean awaitListening(Process rx, List<String> lines) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(rx.getErrorStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            lines.add(line);
            if (line.contains("listening on")) {
                Thread.ofVirtual().start(() -> drain(r, lines)); // keep its stderr flowing
                return true;
            }
        }
        return false;
    }

    private static void drain(BufferedReader r, List<String> lines) {
        try {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException ignored) {
            // receiver gone
        }
    }

    /** {bytes, first mismatch offset or -1, nanoseconds from first byte to EOF}. */
    private static long[] check(InputStream in) {
        byte[] buf = new byte[DataPattern.CHUNK];
        long total = 0;
        long mismatch = -1;
        long first = 0;
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (total == 0 && n > 0) {
                    first = System.nanoTime();
                }
                if (mismatch < 0) {
                    mismatch = DataPattern.firstMismatch(buf, n, total);
                }
                total += n;
            }
        } catch (IOException e) {
            // the pipe broke: what arrived so far is the result
        }
        return new long[] {total, mismatch, total > 0 ? System.nanoTime() - first : 0};
    }

    private static Outcome failed(String why) {
        return new Outcome(0, -1, 0, 0, 0, why);
    }

    private static void destroy(Process p) {
        if (p.isAlive()) {
            p.destroyForcibly(); // our own child, by its handle
        }
    }

    /** A UDP port that was free a moment ago (utpcat -l needs a number). */
    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    /** user+sys CPU of this process's children that have ended and been waited for (/proc/self/stat). */
    static double childCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": field 3 is f[0]; cutime and cstime are fields 16 and 17
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Writes {@code bytes} of {@link DataPattern} to a new file in {@code dir}. */
    static Path patternFile(Path dir, long bytes) throws IOException {
        Path f = Files.createTempFile(dir, "utpcat-input-", ".bin");
        try (OutputStream out = Files.newOutputStream(f)) {
            for (long done = 0; done < bytes; ) {
                int len = (int) Math.min(DataPattern.CHUNK, bytes - done);
                out.write(DataPattern.BYTES, (int) (done % DataPattern.PERIOD), len);
                done += len;
            }
        }
        // Written back now, not by the kernel's flusher during the first round's launch and transfer
        // (a gigabyte of dirty pages on a disk-backed /tmp: seconds of the flusher's CPU and I/O).
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        return f;
    }
}
