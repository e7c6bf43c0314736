package dev.jutp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stdin and stdout that are file descriptors go through their FileChannel; other streams are wrapped. */
class StdioChannelsTest {
    @TempDir
    Path dir;

    @Test
    void fileDescriptorsGetTheirFileChannel() throws Exception {
        Path f = Files.write(dir.resolve("in"), new byte[] {1, 2, 3});
        try (FileInputStream in = new FileInputStream(f.toFile());
                FileOutputStream out = new FileOutputStream(dir.resolve("out").toFile())) {
            var r = StdioChannels.readable(in);
            var w = StdioChannels.writable(out);
            assertInstanceOf(FileChannel.class, r);
            assertInstanceOf(FileChannel.class, w);
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            assertEquals(3, r.read(b));
            StdioChannels.writeFully(w, b.flip());
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("out")));
    }

    @Test
    void otherStreamsAreWrappedAndCarryTheSameBytes() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        var r = StdioChannels.readable(new ByteArrayInputStream(new byte[] {9, 8, 7, 6}));
        var w = StdioChannels.writable(sink);
        ByteBuffer b = ByteBuffer.allocateDirect(3);
        for (int n; (n = r.read(b.clear())) >= 0; ) {
            assertEquals(n, b.position());
            StdioChannels.writeFully(w, b.flip());
        }
        assertArrayEquals(new byte[] {9, 8, 7, 6}, sink.toByteArray());
    }
}
