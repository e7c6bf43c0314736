package dev.jutp.cli;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Standard input and output as channels. When they are file descriptors (a file, a pipe, a terminal),
 * their {@link java.nio.channels.FileChannel} reads and writes a direct buffer with one system call and
 * no copy in Java, where {@code FileInputStream.read(byte[])} copies every chunk once more through a
 * native buffer (and allocates that buffer for every chunk over 8 KiB). Other streams (tests) are wrapped.
 */
final class StdioChannels {
    /** Bytes the stdout copier takes from the stream at a time: up to a quarter of the default window. */
    static final int STDOUT_CHUNK = 256 * 1024;

    private StdioChannels() {}

    static ReadableByteChannel readable(InputStream in) {
        return in instanceof FileInputStream f ? f.getChannel() : Channels.newChannel(in);
    }

    static WritableByteChannel writable(OutputStream out) {
        return out instanceof FileOutputStream f ? f.getChannel() : Channels.newChannel(out);
    }

    /** Writes all of {@code buf}'s remaining bytes (a pipe may take part of them per call). */
    static void writeFully(WritableByteChannel out, ByteBuffer buf) throws java.io.IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
