package dev.jutp.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's utpcat rows against the packaged bin/utpcat (failsafe, after {@code package}): the
 * launch-to-first-SYN probe sees a uTP SYN (it returns NaN for anything else or nothing), and the
 * two-process transfer delivers every byte of the pattern to the checker.
 */
class UtpcatPairIT {
    private static final Path LAUNCHER = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("bin/utpcat");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void probeTimesTheLaunchToAUtpSyn() throws Exception {
        double seconds = new UtpcatPair(LAUNCHER, Map.of()).startToFirstSyn(dir, TIMEOUT);
        assertFalse(Double.isNaN(seconds), "no SYN from bin/utpcat within " + TIMEOUT);
        assertTrue(seconds > 0, "launch to SYN " + seconds);
    }

    @Test
    void twoProcessTransferDeliversEveryByte() throws Exception {
        long bytes = 3_000_000;
        Path input = UtpcatPair.patternFile(dir, bytes);
        UtpcatPair.Outcome o = new UtpcatPair(LAUNCHER, Map.of()).transfer(input, TIMEOUT);
        assertEquals("", o.error());
        assertEquals(bytes, o.bytes(), o.toString());
        assertEquals(-1, o.mismatchAt(), o.toString());
        assertTrue(Files.size(input) == bytes);
    }
}
