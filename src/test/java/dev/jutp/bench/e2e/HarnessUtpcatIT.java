package dev.jutp.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The harness's two-process rows after {@code package} (they run bin/utpcat): both utpcat rows move
 * 2 MB byte-checked beside one busy loop, each times its launch to a uTP SYN (the probe gives NaN
 * for anything else or nothing), and the busy loop is gone afterwards.
 */
class HarnessUtpcatIT {
    private static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    @Test
    void utpcatRowsVerifyEveryByteBesideABusyLoop() {
        long childrenBefore = ProcessHandle.current().children().count();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Harness.Outcome o = Harness.run(Harness.Config.parse("--size", "2", "--reps", "1", "--no-warmup",
                "--timeout-s", "60", "--busy", "1", "--utpcat", ROOT.resolve("bin/utpcat").toString(),
                "--cases", "utpcat,utpcat-jvmdefaults"), new PrintStream(progress, true, StandardCharsets.UTF_8));
        String log = progress.toString(StandardCharsets.UTF_8);
        assertEquals(2, o.results().size(), log);
        for (RunResult r : o.results()) {
            assertTrue(r.ok(), r + "\n" + log);
            assertEquals(2_000_000, r.bytesVerified(), r.toString());
            assertTrue(r.mbPerSecond() > 0 && r.cpuSeconds() > 0, "the two processes' CPU is counted: " + r);
            assertTrue(r.note().startsWith("receiver first byte to EOF"), r.note());
            assertTrue(r.startToSynSeconds() > 0, "launch to first SYN measured: " + r);
        }
        assertTrue(o.machine().contains("CPUs"), o.machine());
        assertEquals(childrenBefore, ProcessHandle.current().children().count(), "busy loop and utpcats stopped");
        List<String[]> rows = o.table().rows();
        assertEquals(Cases.byId("utpcat").label(), rows.get(0)[0]);
        assertTrue(rows.get(0)[8].matches("\\d+\\.\\d{3} \\(.*\\)"), "start → first SYN cell: " + rows.get(0)[8]);
    }
}
