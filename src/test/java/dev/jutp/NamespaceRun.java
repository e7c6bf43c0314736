package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jutp.net.Transports;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@link NamespaceTransfer} in a child JVM inside a new user and network namespace
 * ({@code unshare -rn}) after a shell {@code setup} shapes its loopback; traffic never leaves it.
 */
final class NamespaceRun {
    private static final Pattern RESULT = Pattern.compile(
            "ok=(\\w+) bytes=(\\d+) sendBufferStalls=(\\d+) sendBufferFullDrops=(\\d+) retransmits=(\\d+) mtu=(\\d+)");

    record Result(boolean ok, int bytes, long stalls, long drops, int retransmits, int mtu, String line) {}

    private NamespaceRun() {
    }

    /** Whether {@code setup} (with {@code unshare -rn}) works on this machine. */
    static boolean available(String setup) {
        try {
            Process p = new ProcessBuilder("unshare", "-rn", "sh", "-c", "ip link set lo up && " + setup)
                    .redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * {@link #transfer} on a machine that can run it (skipped otherwise, except under CI, which
     * installs the tools and must run it), checked to have delivered every byte intact.
     */
    static Result checkedTransfer(String setup, String tools, String transport, int bytes, int senderSocketBuffer)
            throws Exception {
        assumeTrue(transport.equals("nio") || Transports.linuxSupported(), "linux transport unavailable");
        assumeTrue(available(setup) || "true".equals(System.getenv("CI")),
                "needs unshare -rn and " + tools + " in a network namespace; CI installs and requires them");
        Result r = transfer(setup, transport, bytes, senderSocketBuffer);
        System.out.println(transport + ": " + r.line());
        assertTrue(r.ok(), r.line());
        assertEquals(bytes, r.bytes(), r.line());
        return r;
    }

    static Result transfer(String setup, String transport, int bytes, int senderSocketBuffer) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String script = "ip link set lo up && " + setup
                + " && exec \"$0\" --enable-native-access=ALL-UNNAMED -Xmx256m -cp \"$1\" "
                + NamespaceTransfer.class.getName() + " " + transport + " " + bytes + " " + senderSocketBuffer;
        Process p = new ProcessBuilder(List.of("unshare", "-rn", "sh", "-c", script, java, System.getProperty("java.class.path")))
                .redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                p.getInputStream().transferTo(output);
            } catch (java.io.IOException ignored) {
                // process gone
            }
        });
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        reader.join(5_000);
        String out = output.toString(StandardCharsets.UTF_8);
        assertTrue(exited, "transfer did not finish: " + out);
        assertEquals(0, p.exitValue(), out);
        Matcher m = RESULT.matcher(out);
        assertTrue(m.find(), out);
        return new Result(Boolean.parseBoolean(m.group(1)), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), m.group());
    }
}
