package dev.jutp.bench.e2e;

import dev.jutp.Transport;
import dev.jutp.UtpEndpoint;
import dev.jutp.UtpListener;
import dev.jutp.UtpOptions;
import dev.jutp.UtpStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/** The jutp sides of a transfer, through the public stream API, moving and checking {@link DataPattern}. */
final class JutpEnds {
    /** What a receiver saw: bytes checked, first-byte-to-EOF seconds, first bad offset (-1 none). */
    record Received(long bytes, double seconds, long mismatchAt) {}

    private JutpEnds() {}

    static InetSocketAddress loopbackAnyPort() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * Options for a run: {@code socketBufferBytes} 0 means "what the kernel gives by default", requested
     * as half of rmem_default because Linux doubles the request (so the effective size equals the default).
     */
    static UtpOptions options(String transport, int socketBufferBytes, Duration timeout) {
        UtpOptions o = UtpOptions.defaults().withTransport(Transport.fromId(transport)).withConnectTimeout(timeout);
        int buf = socketBufferBytes > 0 ? socketBufferBytes : Machine.kernelDefaultSocketBuffer() / 2;
        return o.withSocketBufferBytes(buf);
    }

    /** Accepts one connection on {@code listener} and reads it to EOF, checking every byte. */
    static Received receive(UtpListener listener, Duration timeout) throws IOException {
        try (UtpStream s = listener.accept(timeout)) {
            s.setSoTimeout((int) timeout.toMillis());
            InputStream in = s.getInputStream();
            byte[] buf = new byte[DataPattern.CHUNK];
            long total = 0;
            long mismatch = -1;
            long first = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (total == 0 && n > 0) {
                    first = System.nanoTime();
                }
                if (mismatch < 0) {
                    mismatch = DataPattern.firstMismatch(buf, n, total);
                }
                total += n;
            }
            double secs = total > 0 ? (System.nanoTime() - first) / 1e9 : 0;
            return new Received(total, secs, mismatch);
        }
    }

    /**
     * Connects from {@code endpoint} to {@code to}, writes {@code bytes} of the pattern in 64 KiB writes,
     * half-closes, then waits for the peer's FIN (the receiver closes after EOF) before closing.
     */
    static void send(UtpEndpoint endpoint, InetSocketAddress to, long bytes, Duration timeout) throws IOException {
        try (UtpStream s = endpoint.connect(to, timeout)) {
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            for (long done = 0; done < bytes; ) {
                int len = (int) Math.min(DataPattern.CHUNK, bytes - done);
                out.write(DataPattern.BYTES, (int) (done % DataPattern.PERIOD), len);
                done += len;
            }
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            byte[] sink = new byte[256];
            while (in.read(sink) >= 0) {
                // the receiver sends nothing but its FIN
            }
        }
    }
}
