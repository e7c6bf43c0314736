package dev.jutp.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Growing a pipe handed to the process; anything that is not a pipe is left alone. */
@EnabledOnOs(value = OS.LINUX, disabledReason = "pipe capacity is a Linux fcntl (F_GETPIPE_SZ/F_SETPIPE_SZ)")
@EnabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64|aarch64",
        disabledReason = "jutp's system call table covers x86-64 and aarch64 only (Transports.linuxSupported)")
class PipesTest {
    @TempDir
    Path dir;

    @Test
    void aPipeGrowsToWhatWasAskedAndNeverShrinks() throws Exception {
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
        Path f = Files.write(dir.resolve("f"), new byte[] {1});
        try (FileInputStream in = new FileInputStream(f.toFile())) {
            int fd = OwnDescriptors.pointingTo(f.toRealPath());
            assertEquals(-1, Pipes.capacity(fd));
            assertEquals(-1, Pipes.enlarge(fd, 1 << 20));
        }
    }
}
