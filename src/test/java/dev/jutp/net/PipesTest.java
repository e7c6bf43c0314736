package dev.jutp.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Growing a pipe handed to the process; anything that is not a pipe is left alone. */
class PipesTest {
    @TempDir
    Path dir;

    @Test
    void aPipeGrowsToWhatWasAskedAndNeverShrinks() throws Exception {
        assumeTrue(Transports.linuxSupported(), "Linux only");
        // A child's stdin is a pipe whose writing end this process holds.
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            int fd = OwnDescriptors.sameAs(child.pid(), 0);
            assertEquals(64 * 1024, Pipes.capacity(fd), "Linux's default pipe");
            assertEquals(1 << 20, Pipes.enlarge(fd, 1 << 20));
            assertEquals(1 << 20, Pipes.capacity(fd));
            assertEquals(1 << 20, Pipes.enlarge(fd, 128 * 1024), "a smaller request leaves it as it is");
            assertEquals(1 << 20, Pipes.capacity(fd));
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFileIsNotAPipe() throws Exception {
        assumeTrue(Transports.linuxSupported(), "Linux only");
        Path f = Files.write(dir.resolve("f"), new byte[] {1});
        try (FileInputStream in = new FileInputStream(f.toFile())) {
            int fd = OwnDescriptors.pointingTo(f.toRealPath());
            assertEquals(-1, Pipes.capacity(fd));
            assertEquals(-1, Pipes.enlarge(fd, 1 << 20));
        }
    }
}
