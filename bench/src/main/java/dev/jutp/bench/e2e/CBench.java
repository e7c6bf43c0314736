package dev.jutp.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One process of bench/libutp/utp_bench (libutp in C, or the raw UDP blaster). It prints JSON lines:
 * the receiver first {"event":"listening","port":N}, every mode a final result line with "bytes",
 * "mb_per_s", "cpu_s" (its own getrusage) and "ok". Stopped by its own handle if it overruns.
 */
final class CBench implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final long deadlineNanos;

    private CBench(Process process, long deadlineNanos) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Starts {@code binary mode --host 127.0.0.1 --port P --bytes N --buf B --timeout-s T [extra...]}.
     * {@code buf} 0 = kernel default socket buffers.
     */
    static CBench start(Path binary, String mode, int port, long bytes, int buf, int timeoutSeconds, String... extra)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), mode, "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--bytes", Long.toString(bytes), "--buf", Integer.toString(buf),
                "--timeout-s", Integer.toString(timeoutSeconds)));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        long graceSeconds = timeoutSeconds + 15L;
        Thread.ofVirtual().start(() -> { // watchdog: a hung child cannot hang the harness
            try {
                if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException ignored) {
                p.destroyForcibly();
            }
        });
        return new CBench(p, System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds));
    }

    /** Reads the receiver's "listening" line and returns its port. */
    int listeningPort() throws IOException {
        String line = out.readLine();
        if (line == null || !line.contains("\"listening\"")) {
            throw new IOException("utp_bench receiver did not start: " + line);
        }
        return (int) number(line, "port");
    }

    /** Waits (bounded) for the result line and the exit. */
    String result() throws IOException, InterruptedException {
        String last = null;
        String line;
        while ((line = out.readLine()) != null) {
            last = line;
        }
        long left = deadlineNanos - System.nanoTime();
        if (!process.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
            process.destroyForcibly();
            throw new IOException("utp_bench overran its deadline");
        }
        if (last == null) {
            throw new IOException("utp_bench printed no result (exit " + process.exitValue() + ")");
        }
        return last;
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.eE+]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + key + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    static boolean ok(String json) {
        return json.contains("\"ok\":true");
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly(); // our own child, by its handle
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
