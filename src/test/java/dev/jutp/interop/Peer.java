package dev.jutp.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A peer process (node or python) whose stdout lines are collected; stopped by its own PID. */
public final class Peer implements AutoCloseable {
    public static final Path INTEROP = Path.of("src/test/interop").toAbsolutePath();
    static final String REQUIRED = "jutp.interop.required";

    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Path stderr;

    /** Peers are optional on a developer machine, mandatory in CI (which installs them). */
    static boolean required() {
        return Boolean.getBoolean(REQUIRED) || "true".equals(System.getenv("CI"));
    }

    private Peer(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread.ofVirtual().name("peer-" + process.pid()).start(() -> {
            try (BufferedReader r = process.inputReader()) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
    }

    public static Peer start(List<String> command) throws IOException {
        Path err = Files.createTempFile("jutp-peer-", ".stderr");
        ProcessBuilder pb = new ProcessBuilder(command).directory(INTEROP.toFile())
                .redirectError(err.toFile());
        pb.environment().put("NODE_PATH", INTEROP.resolve("node_modules").toString());
        return new Peer(pb.start(), err);
    }

    /** Waits for the first line matching {@code p}; fails with everything seen after {@code timeout}. */
    public String await(Predicate<String> p, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS) : null;
            if (line != null) {
                seen.add(line);
                if (p.test(line)) {
                    return line;
                }
                continue;
            }
            if (left <= 0 || (!process.isAlive() && lines.isEmpty())) {
                Thread.sleep(50);                        // let the reader hand over the last lines
                if (!lines.isEmpty()) {
                    continue;
                }
                fail("peer " + process.info().command().orElse("?") + " did not print the expected line"
                        + (process.isAlive() ? " within " + timeout : " (exited " + process.exitValue() + ")")
                        + "; " + transcript());
            }
        }
    }

    /** Everything the peer printed so far (stdout lines, then stderr), for a failure message. */
    public String transcript() throws IOException {
        for (String line; (line = lines.poll()) != null; ) {
            seen.add(line);
        }
        return "stdout: " + seen + "; stderr: " + Files.readString(stderr);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws Exception {
        ProcessHandle h = ProcessHandle.of(process.pid()).orElse(null);
        if (h != null && h.isAlive()) {
            h.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                h.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        Files.deleteIfExists(stderr);
    }

    // ------------------------------------------------------------------ tool detection

    static void requireOrSkip(boolean present, String message) {
        if (!present) {
            if (required()) {
                fail(message + " (" + REQUIRED + "=true or CI=true)");
            }
            assumeTrue(false, message);
        }
    }

    public static void requireNode() {
        boolean ok = runs(List.of("node", "--version"))
                && Files.isDirectory(INTEROP.resolve("node_modules/utp-native"));
        requireOrSkip(ok, "libutp interop needs node and utp-native in src/test/interop/node_modules "
                + "(cd src/test/interop && npm ci)");
    }

    static void requireLibtorrent() {
        requireOrSkip(runs(List.of("/usr/bin/python3", "-c", "import libtorrent")),
                "libtorrent interop needs /usr/bin/python3 with python3-libtorrent (apt-get install python3-libtorrent)");
    }

    private static boolean runs(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
