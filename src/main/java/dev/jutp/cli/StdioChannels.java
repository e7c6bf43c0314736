package dev.jutp.cli;

import dev.jutp.net.Pipes;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
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

    /** What a pipe on stdin or stdout is grown to: Linux's default pipe-max-size. */
    static final int PIPE_BYTES = 1 << 20;

    private StdioChannels() {}

    /**
     * Grows the pipe on this process's stdin or stdout, if {@code stream} is one of them and a pipe,
     * to {@link #PIPE_BYTES}: with the kernel's 64 KiB, utpcat and the process on the other end
     * ({@code utpcat -l | tar x}) take turns every 64 KiB. Anything else is left as it is.
     */
    static void enlargePipe(Object stream) {
        try {
            FileDescriptor fd = stream instanceof FileInputStream in ? in.getFD()
                    : stream instanceof FileOutputStream out ? out.getFD() : null;
            int number = fd == FileDescriptor.in ? 0 : fd == FileDescriptor.out ? 1 : -1;
            if (number >= 0) {
                Pipes.enlarge(number, PIPE_BYTES);
            }
        } catch (IOException | RuntimeException e) {
            // a smaller pipe only costs speed
        }
    }

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
