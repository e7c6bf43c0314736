package dev.jutp;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * A uTP connection as a pair of byte streams, like {@link java.net.Socket}. One thread may read while
 * another writes. Blocking calls park only the calling thread (no monitors are held while waiting), so
 * they scale on virtual threads.
 *
 * <p>Bytes written are copied into a per-stream send buffer ({@link UtpOptions#sendBufferBytes()}); the
 * endpoint's I/O thread moves them into the protocol as the congestion and peer windows allow, and
 * {@code write} blocks while that buffer is full. Received bytes wait in a per-stream receive buffer
 * ({@link UtpOptions#receiveBufferBytes()}), whose free space is the window advertised to the peer.
 *
 * <p>Wake-ups come in large pieces, each a context switch fewer: a blocked {@code write} goes on once a
 * quarter of the send buffer is free (or room for the rest of it), a blocked {@code read} once 64 KiB
 * are buffered or the I/O thread has handled its batch of datagrams. Copies into and out of the
 * buffers run outside the lock the I/O thread takes, one reader and one writer at a time (several
 * readers or writers of one stream take turns per copy).
 *
 * <p>Ending: {@link #close()} delivers what was written and waits for the peer's acknowledgement up
 * to the linger ({@link #setLinger}), and throws, naming the bytes not delivered, if the connection
 * failed or the linger passed first; {@link #abort()} resets at once. A stream dropped without either
 * is closed when collected: FIN after the bytes written, or RST if the peer has not acknowledged them
 * when the linger passes.
 *
 * <p>Errors: {@link ConnectException} "connection refused" when the SYN is answered by an RST (or an
 * ICMP port unreachable, on transports that report ICMP); {@link SocketTimeoutException} "connect timed
 * out" when no answer comes within the connect timeout or the protocol gives up retransmitting the SYN;
 * after the connection is up, {@link SocketException} "connection reset by peer" or "connection timed
 * out"; {@link SocketTimeoutException} "read timed out" after {@link #setSoTimeout};
 * {@link SocketException} "stream closed" for use after {@link #close()}. End of stream is -1.
 */
public final class UtpStream implements java.io.Closeable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final StreamCore core;
    private final Cleaner.Cleanable cleanable;
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    UtpStream(StreamCore core) {
        this.core = core;
        this.cleanable = CLEANER.register(this, new Dropped(core));
    }

    /** The cleaning action: holds the core, never the stream (or it would never become unreachable). */
    private record Dropped(StreamCore core) implements Runnable {
        @Override
        public void run() {
            core.dropped();
        }
    }

    StreamCore core() {
        return core;
    }

    // ------------------------------------------------------------------ static connect

    /**
     * Connects from a new endpoint on an ephemeral port, waiting at most the default connect timeout;
     * {@link #close()} closes that endpoint too.
     *
     * @param remote the peer's address ({@link InetSocketAddress})
     * @return the connected stream
     * @throws IOException as {@link UtpEndpoint#connect(SocketAddress, Duration)}, or when no socket can be bound
     */
    public static UtpStream connect(SocketAddress remote) throws IOException {
        return connect(remote, UtpOptions.defaults());
    }

    /**
     * Like {@link #connect(SocketAddress)}, waiting at most {@code timeout} for the handshake.
     *
     * @param remote the peer's address ({@link InetSocketAddress})
     * @param timeout the longest wait for the handshake, positive
     * @return the connected stream
     * @throws IOException as {@link UtpEndpoint#connect(SocketAddress, Duration)}, or when no socket can be bound
     */
    public static UtpStream connect(SocketAddress remote, Duration timeout) throws IOException {
        return connect(remote, UtpOptions.defaults().withConnectTimeout(timeout));
    }

    /**
     * Like {@link #connect(SocketAddress)}, with {@code options} for the new endpoint and the stream.
     *
     * @param remote the peer's address ({@link InetSocketAddress})
     * @param options the options of the new endpoint and of the stream
     * @return the connected stream
     * @throws IOException as {@link UtpEndpoint#connect(SocketAddress, Duration)}, or when no socket can be bound
     */
    public static UtpStream connect(SocketAddress remote, UtpOptions options) throws IOException {
        InetSocketAddress to = RemoteAddresses.check(remote);
        Objects.requireNonNull(options, "options");
        InetAddress a = to.getAddress();
        boolean v6 = a instanceof Inet6Address;
        InetSocketAddress local = a.isLoopbackAddress()
                ? new InetSocketAddress(InetAddress.getByName(v6 ? "::1" : "127.0.0.1"), 0)
                : new InetSocketAddress(InetAddress.getByName(v6 ? "::" : "0.0.0.0"), 0);
        UtpEndpoint ep = UtpEndpoint.bind(local, options);
        try {
            UtpStream s = ep.connect(to, options.connectTimeout());
            s.core.setOwnsEndpoint();
            return s;
        } catch (IOException | RuntimeException | Error e) {
            ep.close();
            throw e;
        }
    }

    // ------------------------------------------------------------------ public API

    /**
     * The bytes the peer sends, in order; reads block until a byte arrives (at most the
     * {@link #setSoTimeout} read timeout) and return -1 at end of stream. Closing it closes this stream.
     *
     * @return the input stream, the same one on every call
     */
    public InputStream getInputStream() {
        return in;
    }

    /**
     * The bytes sent to the peer; writes block while the send buffer is full (at most the
     * {@link #setWriteTimeout} write timeout). Closing it closes this stream.
     *
     * @return the output stream, the same one on every call
     */
    public OutputStream getOutputStream() {
        return out;
    }

    /**
     * Sends FIN after every byte already written; reading continues (half-close). Idempotent. Works
     * from an interrupted thread (the interrupt flag stays set).
     *
     * @throws IOException if the stream is closed or the connection failed
     */
    public void shutdownOutput() throws IOException {
        core.shutdownOutput();
    }

    /**
     * Reads return end of stream from now on; bytes still arriving are discarded. Idempotent.
     *
     * @throws IOException if the stream is closed
     */
    public void shutdownInput() throws IOException {
        core.shutdownInput();
    }

    /**
     * Closes gracefully: the bytes already written are delivered, then FIN; waits until the peer has
     * acknowledged them all, at most for the linger ({@link #setLinger}). Unread received bytes are
     * discarded. If this stream made its own endpoint ({@link #connect(SocketAddress)}), that is closed
     * too. Idempotent.
     *
     * @throws SocketException naming the bytes not delivered, when the connection failed or the linger
     *     passed before the peer acknowledged them (the connection is then reset)
     * @throws InterruptedIOException when the calling thread is (or gets) interrupted: the FIN is queued
     *     and delivery goes on in the background, unconfirmed; the interrupt flag stays set
     */
    @Override
    public void close() throws IOException {
        try {
            core.close();
        } finally {
            cleanable.clean();              // the dropped action sees the stream closed and does nothing
        }
    }

    /**
     * Resets the connection now: an RST goes to the peer (whose reads and writes then fail with
     * "connection reset by peer"), and bytes not yet acknowledged are discarded. Never blocks on the
     * network; works from an interrupted thread. Idempotent; after {@link #close()} it cuts the linger.
     */
    public void abort() {
        core.abort();
        cleanable.clean();
    }

    /**
     * How long {@link #close()} waits for the peer to acknowledge the bytes written before it resets
     * the connection and reports what was not delivered (like {@code SO_LINGER}, but never silent).
     * Default {@link UtpOptions#linger()}. {@code Duration.ZERO}: reset at once if anything is unacknowledged.
     *
     * @param linger zero or positive
     * @throws IllegalArgumentException if {@code linger} is negative
     */
    public void setLinger(Duration linger) {
        core.setLinger(linger);
    }

    /**
     * The current linger ({@link #setLinger}).
     *
     * @return the linger
     */
    public Duration getLinger() {
        return core.linger();
    }

    /**
     * Whether the connection is up: connected, not failed, not closed by this side.
     *
     * @return true while the connection is up
     */
    public boolean isConnected() {
        return core.isConnected();
    }

    /**
     * Whether {@link #close()} or {@link #abort()} was called.
     *
     * @return true once closed or aborted
     */
    public boolean isClosed() {
        return core.isClosed();
    }

    /**
     * The local address of this stream's endpoint.
     *
     * @return the local address
     */
    public InetSocketAddress localAddress() {
        return core.port().localAddress();
    }

    /**
     * The peer's address.
     *
     * @return the peer's address
     */
    public InetSocketAddress remoteAddress() {
        return core.remoteAddress();
    }

    /**
     * Read timeout in milliseconds, 0 = wait forever (like {@link java.net.Socket#setSoTimeout}).
     *
     * @param millis the timeout in milliseconds, 0 or more
     * @throws IllegalArgumentException if {@code millis} is negative
     */
    public void setSoTimeout(int millis) {
        core.setSoTimeout(millis);
    }

    /**
     * The read timeout in milliseconds (0 = none).
     *
     * @return the timeout in milliseconds
     */
    public int getSoTimeout() {
        return core.soTimeout();
    }

    /**
     * Write timeout in milliseconds, 0 = wait forever (default): a write that finds the send buffer
     * full for this long throws {@link SocketTimeoutException}, whose
     * {@link java.io.InterruptedIOException#bytesTransferred} counts the bytes of that call that were
     * taken (and will be sent). The stream stays usable.
     *
     * @param millis the timeout in milliseconds, 0 or more
     * @throws IllegalArgumentException if {@code millis} is negative
     */
    public void setWriteTimeout(int millis) {
        core.setWriteTimeout(millis);
    }

    /**
     * The write timeout in milliseconds (0 = none).
     *
     * @return the timeout in milliseconds
     */
    public int getWriteTimeout() {
        return core.writeTimeout();
    }

    /**
     * Reads up to {@code dst.remaining()} bytes into {@code dst}, as {@code getInputStream().read} does
     * (blocks until at least one byte, -1 at end of stream), without a {@code byte[]} in between: with
     * a direct buffer, a {@link java.nio.channels.FileChannel} moves the bytes on with one copy fewer.
     *
     * @param dst the buffer to fill from its position
     * @return the bytes read, or -1 at end of stream
     * @throws IOException as {@code getInputStream().read}: read timeout, reset, closed stream
     */
    public int read(ByteBuffer dst) throws IOException {
        return core.read(dst);
    }

    /**
     * Writes all of {@code src}'s remaining bytes, as {@code getOutputStream().write} does.
     *
     * @param src the bytes from its position to its limit; its position ends at its limit
     * @throws IOException as {@code getOutputStream().write}: write timeout, reset, closed stream
     */
    public void write(ByteBuffer src) throws IOException {
        core.write(src);
    }

    /**
     * Counters of this connection; after it ended, the last values.
     *
     * @return a snapshot of the counters
     */
    public UtpStreamStats stats() {
        return core.stats();
    }

    /** Bytes held by the two rings (for tests of idle-stream memory). */
    int ringBytes() {
        return core.ringBytes();
    }

    @Override
    public String toString() {
        return "UtpStream[" + localAddress() + " -> " + remoteAddress() + "]";
    }

    // ------------------------------------------------------------------ the two byte streams

    /** Inner classes: an application holding only the InputStream keeps the stream reachable. */
    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = core.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return core.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return core.available();
        }

        @Override
        public void close() throws IOException {
            UtpStream.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            core.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            core.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            UtpStream.this.close();
        }
    }
}
