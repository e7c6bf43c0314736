package dev.jutp.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jutp.net.Transports;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end harness in a tiny mode (2 MB, one round, no warm-up): every row must finish with
 * its bytes verified and the table must carry every row. The libutp rows need the C program, built
 * from the utp-native sources: optional on a developer machine, required in CI (like the interop peers).
 */
class HarnessSmokeTest {
    static final long BYTES = 2_000_000;

    @Test
    void jutpRowsProduceAVerifiedTable() {
        List<String> ids = new ArrayList<>(List.of("jutp-nio"));
        if (Transports.linuxSupported()) {
            ids.add(0, "jutp-linux");
        }
        Harness.Outcome o = run(ids, null);
        for (RunResult r : o.results()) {
            assertTrue(r.ok(), r.toString());
            assertEquals(BYTES, r.bytesVerified(), r.toString());
            assertEquals(0, r.sendBufferFullDrops(), "loopback with 4 MiB buffers: " + r);
            assertTrue(r.mbPerSecond() > 0 && r.cpuSeconds() >= 0, r.toString());
        }
        String md = o.table().markdown();
        assertEquals(2 + ids.size(), md.lines().count(), md);
        for (String id : ids) {
            assertTrue(md.contains(Cases.byId(id).label()), md);
        }
        assertTrue(o.machine().contains("CPUs"), o.machine());
    }

    @Test
    void libutpRowsTalkToJutpBothWays() throws Exception {
        assumeTrue(Transports.linuxSupported(), "the jutp side of these rows uses the Linux transport");
        Path bin = buildCBench();
        List<String> ids = List.of("jutp-libutp", "libutp-jutp", "libutp", "udp");
        Harness.Outcome o = run(ids, bin);
        for (RunResult r : o.results()) {
            assertTrue(r.ok(), r.toString());
            if (r.caseName().equals("udp")) {
                assertTrue(r.bytesVerified() > 0, r.toString());
            } else {
                assertEquals(BYTES, r.bytesVerified(), r.toString());
            }
        }
        List<String[]> rows = o.table().rows();
        assertEquals(ids.size(), rows.size());
        for (String[] row : rows) {
            assertEquals("1/1", row[1], String.join(" | ", row));
            assertFalse(row[4].equals("–"), "same-round ratio to libutp: " + String.join(" | ", row));
        }
        assertEquals("1.00", rows.get(2)[4]);
    }

    private static Harness.Outcome run(List<String> ids, Path bin) {
        List<String> args = new ArrayList<>(List.of("--size", "2", "--reps", "1", "--no-warmup", "--timeout-s", "30",
                "--cases", String.join(",", ids)));
        if (bin != null) {
            args.addAll(List.of("--utp-bench", bin.toString()));
        }
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Harness.Outcome o = Harness.run(Harness.Config.parse(args.toArray(String[]::new)),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        System.out.print(progress.toString(StandardCharsets.UTF_8));
        System.out.print(o.table().text());
        assertEquals(ids.size(), o.results().size());
        return o;
    }

    /** bench/libutp/build.sh; skips (or fails in CI) when the libutp sources or a compiler are missing. */
    private static Path buildCBench() throws Exception {
        Path script = Path.of("bench/libutp/build.sh").toAbsolutePath();
        boolean sources = Files.isDirectory(Path.of("src/test/interop/node_modules/utp-native/deps/libutp"));
        Process p = sources ? new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start() : null;
        String out = p == null ? "" : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean built = p != null && p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!built) {
            String why = sources ? "bench/libutp/build.sh failed: " + out
                    : "libutp sources missing (npm install --prefix src/test/interop)";
            if ("true".equals(System.getenv("CI")) || Boolean.getBoolean("jutp.interop.required")) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        List<String> lines = out.lines().toList();
        return Path.of(lines.get(lines.size() - 1).trim());
    }
}
