package dev.jutp;

import dev.jutp.engine.Connection;
import dev.jutp.engine.ConnectionStats;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

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
 * <p>Errors: {@link ConnectException} "connection refused" when the SYN is answered by an RST (or an
 * ICMP port unreachable, on transports that report ICMP); {@link SocketTimeoutException} "connect timed
 * out" when no answer comes within the connect timeout or the protocol gives up retransmitting the SYN;
 * after the connection is up, {@link SocketException} "connection reset by peer" or "connection timed
 * out"; {@link SocketTimeoutException} "read timed out" after {@link #setSoTimeout}; {@link IOException}
 * "stream closed" for use after {@link #close()}. End of stream is -1.
 */
public final class UtpStream implements java.io.Closeable {
    /** Rings are allocated on first use, starting at this size, and dropped once no longer needed. */
    static final int FIRST_RING_BYTES = 4096;
    private static final byte[] NO_RING = new byte[0];
    private static final MemorySegment NO_RING_SEGMENT = MemorySegment.ofArray(NO_RING);

    private final UtpEndpoint endpoint;
    private volatile boolean ownsEndpoint;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readCond = lock.newCondition();
    private final Condition writeCond = lock.newCondition();
    private final Condition stateCond = lock.newCondition();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable ioTask = this::serviceOnIo;
    private final Runnable closeTask = this::closeOnIo;

    /** I/O thread only. */
    private Connection conn;
    private volatile InetSocketAddress remote;

    // Guarded by lock.
    private boolean connected;
    private boolean eof;
    private int error = -1;
    private boolean destroyed;
    private String terminatedMessage;
    private boolean userClosed;
    private boolean outputShutdown;
    private boolean shutdownRequested;
    private boolean closeRequested;
    private boolean drainRequested;
    private UtpStreamStats finalStats;

    // I/O thread only.
    private boolean shutdownIssued;
    private boolean closeIssued;

    // Receive ring (guarded by lock); unread mirrors rCount for the engine's window computation.
    private byte[] rbuf;
    private int rHead;
    private int rCount;
    private volatile long unread;
    private long bytesReceived;

    // Send ring (guarded by lock).
    private byte[] sbuf;
    private MemorySegment sseg;
    private final int sendCapacity;
    private int sHead;
    private int sCount;
    private long bytesSent;

    private volatile int soTimeoutMillis;
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    UtpStream(UtpEndpoint endpoint, boolean ownsEndpoint) {
        this.endpoint = endpoint;
        this.ownsEndpoint = ownsEndpoint;
        // Both rings are empty until the first byte arrives or is written, then grow on demand
        // (never on a steady transfer's path), so thousands of idle streams stay cheap.
        this.sendCapacity = endpoint.options().sendBufferBytes();
        this.rbuf = NO_RING;
        this.sbuf = NO_RING;
        this.sseg = NO_RING_SEGMENT;
    }

    // ------------------------------------------------------------------ static connect

    /** Connects from a new endpoint on an ephemeral port; {@link #close()} closes that endpoint too. */
    public static UtpStream connect(SocketAddress remote) throws IOException {
        return connect(remote, UtpOptions.defaults());
    }

    public static UtpStream connect(SocketAddress remote, Duration timeout) throws IOException {
        return connect(remote, UtpOptions.defaults().withConnectTimeout(timeout));
    }

    public static UtpStream connect(SocketAddress remote, UtpOptions options) throws IOException {
        InetSocketAddress to = UtpEndpoint.checkRemote(remote);
        Objects.requireNonNull(options, "options");
        InetAddress a = to.getAddress();
        InetSocketAddress local;
        if (a.isLoopbackAddress()) {
            local = new InetSocketAddress(a instanceof java.net.Inet6Address
                    ? InetAddress.getByName("::1") : InetAddress.getByName("127.0.0.1"), 0);
        } else {
            local = new InetSocketAddress(a instanceof java.net.Inet6Address
                    ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0"), 0);
        }
        UtpEndpoint ep = UtpEndpoint.bind(local, options);
        try {
            UtpStream s = ep.connect(to, options.connectTimeout());
            s.ownsEndpoint = true;
            return s;
        } catch (IOException | RuntimeException | Error e) {
            ep.close();
            throw e;
        }
    }

    // ------------------------------------------------------------------ public API

    public InputStream getInputStream() {
        return in;
    }

    public OutputStream getOutputStream() {
        return out;
    }

    /** Sends FIN after every byte already written; reading continues (half-close). Idempotent. */
    public void shutdownOutput() throws IOException {
        lock.lock();
        try {
            if (userClosed) {
                throw new IOException("stream closed");
            }
            if (outputShutdown) {
                return;
            }
            outputShutdown = true;
            shutdownRequested = true;
            writeCond.signalAll();
        } finally {
            lock.unlock();
        }
        schedule();
    }

    /**
     * Closes gracefully: bytes already written are still delivered, then FIN. Returns without waiting
     * for the FIN's acknowledgement unless this stream made its own endpoint, which is then closed with
     * its bounded wait. Idempotent.
     */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (userClosed) {
                return;
            }
            userClosed = true;
            closeRequested = true;
            releaseReadRing();              // unread bytes are discarded, as by a closed socket
            readCond.signalAll();
            writeCond.signalAll();
            stateCond.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            endpoint.submit(closeTask);
        } catch (IOException ignored) {
            // endpoint already stopped: the connection is gone
        }
        if (ownsEndpoint) {
            endpoint.close();
        }
    }

    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** Read timeout in milliseconds, 0 = wait forever (like {@link java.net.Socket#setSoTimeout}). */
    public void setSoTimeout(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + millis);
        }
        soTimeoutMillis = millis;
    }

    public int getSoTimeout() {
        return soTimeoutMillis;
    }

    /**
     * Reads up to {@code dst.remaining()} bytes into {@code dst}, as {@code getInputStream().read} does
     * (blocks until at least one byte, -1 at end of stream), without a {@code byte[]} in between: with
     * a direct buffer, a {@link java.nio.channels.FileChannel} moves the bytes on with one copy fewer.
     */
    public int read(ByteBuffer dst) throws IOException {
        return dst.hasRemaining() ? read(null, 0, dst.remaining(), dst) : 0;
    }

    /** Writes all of {@code src}'s remaining bytes, as {@code getOutputStream().write} does. */
    public void write(ByteBuffer src) throws IOException {
        write(null, 0, src.remaining(), src);
    }

    /** Counters of this connection; after it ended, the last values. */
    public UtpStreamStats stats() {
        lock.lock();
        try {
            if (destroyed || endpoint.isTerminated()) {
                return finalStats != null ? finalStats : emptyStats();
            }
        } finally {
            lock.unlock();
        }
        CompletableFuture<UtpStreamStats> f = new CompletableFuture<>();
        try {
            endpoint.submit(() -> f.complete(snapshotOnIo()));
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | ExecutionException | TimeoutException e) {
            // fall through to the last known values
        }
        lock.lock();
        try {
            return finalStats != null ? finalStats : emptyStats();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "UtpStream[" + localAddress() + " -> " + remote + "]";
    }

    // ------------------------------------------------------------------ user-side helpers

    private UtpStreamStats emptyStats() {
        return new UtpStreamStats(bytesSent, bytesReceived, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    long unreadBytes() {
        return unread;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                endpoint.submit(ioTask);
            } catch (IOException e) {
                scheduled.set(false);
            }
        }
    }

    /** The error to throw for a failed connection (lock held). */
    private IOException failure() {
        if (terminatedMessage != null) {
            return new IOException(terminatedMessage);
        }
        return switch (error) {
            case Connection.ECONNREFUSED -> new ConnectException("connection refused");
            case Connection.ECONNRESET -> new SocketException("connection reset by peer");
            case Connection.ETIMEDOUT -> new SocketException("connection timed out");
            default -> new SocketException("connection closed");
        };
    }

    void awaitConnected(Duration timeout) throws IOException {
        long remaining = timeout.toNanos();
        boolean timedOut = false;
        lock.lock();
        try {
            while (!connected && error < 0 && !destroyed && !userClosed) {
                if (remaining <= 0) {
                    timedOut = true;
                    break;
                }
                remaining = stateCond.awaitNanos(remaining);
            }
            if (connected) {
                return;
            }
            if (!timedOut && !userClosed && terminatedMessage == null) {
                if (error == Connection.ECONNREFUSED) {
                    throw new ConnectException("connection refused");
                }
                if (error == Connection.ETIMEDOUT || error < 0) {
                    throw new SocketTimeoutException("connect timed out");
                }
                throw failure();
            }
            if (terminatedMessage != null) {
                throw new IOException(terminatedMessage);
            }
            closeRequested = true;
        } catch (InterruptedException e) {
            closeRequested = true;
            Thread.currentThread().interrupt();
            abortConnect();
            throw new InterruptedIOException("interrupted while connecting");
        } finally {
            lock.unlock();
        }
        abortConnect();
        throw new SocketTimeoutException("connect timed out");
    }

    private void abortConnect() {
        try {
            endpoint.submit(closeTask);
        } catch (IOException ignored) {
            // endpoint stopped: nothing left to abort
        }
    }

    /** Copies into {@code b} at {@code off}, or into {@code dst} when {@code b} is null. */
    private int read(byte[] b, int off, int len, ByteBuffer dst) throws IOException {
        if (b != null) {
            Objects.checkFromIndexSize(off, len, b.length);
        }
        if (len == 0) {
            return 0;
        }
        int n;
        boolean drain;
        lock.lock();
        try {
            int timeout = soTimeoutMillis;
            long remaining = TimeUnit.MILLISECONDS.toNanos(timeout);
            while (rCount == 0) {
                if (userClosed) {
                    throw new IOException("stream closed");
                }
                if (eof) {
                    return -1;
                }
                if (error >= 0 || terminatedMessage != null) {
                    throw failure();
                }
                if (destroyed) {
                    return -1;
                }
                if (timeout == 0) {
                    readCond.await();
                } else {
                    if (remaining <= 0) {
                        throw new SocketTimeoutException("read timed out");
                    }
                    remaining = readCond.awaitNanos(remaining);
                }
            }
            if (userClosed) {
                throw new IOException("stream closed");
            }
            n = Math.min(len, rCount);
            int first = Math.min(n, rbuf.length - rHead);
            if (b != null) {
                System.arraycopy(rbuf, rHead, b, off, first);
                if (n > first) {
                    System.arraycopy(rbuf, 0, b, off + first, n - first);
                }
            } else {
                dst.put(rbuf, rHead, first);
                if (n > first) {
                    dst.put(rbuf, 0, n - first);
                }
            }
            rHead = (rHead + n) % rbuf.length;
            rCount -= n;
            if (rCount == 0) {
                rHead = 0;
                if (eof || destroyed || error >= 0) {
                    releaseReadRing();      // nothing more can arrive
                }
            }
            unread = rCount;
            drain = !drainRequested;
            drainRequested = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading");
        } finally {
            lock.unlock();
        }
        if (drain) {
            schedule();
        }
        return n;
    }

    private int available() throws IOException {
        lock.lock();
        try {
            if (userClosed) {
                throw new IOException("stream closed");
            }
            return rCount;
        } finally {
            lock.unlock();
        }
    }

    /** Copies from {@code b} at {@code off}, or from {@code src} when {@code b} is null. */
    private void write(byte[] b, int off, int len, ByteBuffer src) throws IOException {
        if (b != null) {
            Objects.checkFromIndexSize(off, len, b.length);
        }
        while (len > 0) {
            lock.lock();
            try {
                while (true) {
                    if (userClosed) {
                        throw new IOException("stream closed");
                    }
                    if (outputShutdown) {
                        throw new SocketException("output shut down");
                    }
                    if (error >= 0 || terminatedMessage != null) {
                        throw failure();
                    }
                    if (destroyed) {
                        throw new SocketException("connection closed");
                    }
                    if (sCount == sbuf.length && sbuf.length < sendCapacity) {
                        growSend(Math.min(sendCapacity, Math.max(Math.max(FIRST_RING_BYTES, sbuf.length * 2), sCount + len)));
                    }
                    if (sCount < sbuf.length) {
                        break;
                    }
                    writeCond.await();
                }
                int n = Math.min(len, sbuf.length - sCount);
                int tail = (sHead + sCount) % sbuf.length;
                int first = Math.min(n, sbuf.length - tail);
                if (b != null) {
                    System.arraycopy(b, off, sbuf, tail, first);
                    if (n > first) {
                        System.arraycopy(b, off + first, sbuf, 0, n - first);
                    }
                } else {
                    src.get(sbuf, tail, first);
                    if (n > first) {
                        src.get(sbuf, 0, n - first);
                    }
                }
                sCount += n;
                off += n;
                len -= n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing");
            } finally {
                lock.unlock();
            }
            schedule();
        }
    }

    // ------------------------------------------------------------------ I/O thread side

    void startConnect(InetSocketAddress to) {
        remote = to;
        boolean abandon;
        lock.lock();
        try {
            abandon = closeRequested || userClosed;
        } finally {
            lock.unlock();
        }
        if (abandon) {
            onDestroyed();
            endpoint.streams.remove(this);
            return;
        }
        Connection c = endpoint.engine().createConnection();
        c.attach(this);
        conn = c;
        if (c.connect(to) != 0) {
            c.close();                      // freed with DESTROYING at the next tick
            lock.lock();
            try {
                terminatedMessage = "cannot connect to " + to + ": no free connection id";
                stateCond.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    void attachAccepted(Connection c) {
        conn = c;
        c.attach(this);
        remote = c.peer();
        connected = true;                   // not yet shared with any other thread
    }

    void onConnected() {
        lock.lock();
        try {
            connected = true;
            stateCond.signalAll();
            writeCond.signalAll();
        } finally {
            lock.unlock();
        }
        serviceOnIo();
    }

    void onRead(MemorySegment seg, long off, int len) {
        lock.lock();
        try {
            bytesReceived += len;
            if (userClosed) {
                return;                     // nobody will read it: do not buffer it
            }
            if (rCount + len > rbuf.length) {
                grow(rCount + len);
            }
            int tail = (rHead + rCount) % rbuf.length;
            int first = Math.min(len, rbuf.length - tail);
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, rbuf, tail, first);
            if (len > first) {
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off + first, rbuf, 0, len - first);
            }
            rCount += len;
            unread = rCount;
            readCond.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Grows the receive ring (lock held); the window keeps it near the receive-buffer option. */
    private void grow(int needed) {
        int size = Math.max(FIRST_RING_BYTES, rbuf.length);
        while (size < needed) {
            size *= 2;
        }
        byte[] n = new byte[size];
        int first = Math.min(rCount, rbuf.length - rHead);
        System.arraycopy(rbuf, rHead, n, 0, first);
        System.arraycopy(rbuf, 0, n, first, rCount - first);
        rbuf = n;
        rHead = 0;
    }

    /** Grows the send ring (lock held) up to the send-buffer option. */
    private void growSend(int size) {
        byte[] n = new byte[size];
        int first = Math.min(sCount, sbuf.length - sHead);
        System.arraycopy(sbuf, sHead, n, 0, first);
        System.arraycopy(sbuf, 0, n, first, sCount - first);
        sbuf = n;
        sseg = MemorySegment.ofArray(n);
        sHead = 0;
    }

    void onEof() {
        lock.lock();
        try {
            eof = true;
            if (rCount == 0) {
                releaseReadRing();
            }
            readCond.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void onError(int code) {
        lock.lock();
        try {
            if (error < 0) {
                error = code;
            }
            finalStats = snapshotOnIo();
            readCond.signalAll();
            writeCond.signalAll();
            stateCond.signalAll();
        } finally {
            lock.unlock();
        }
        closeIssued = true;
        conn.close();
    }

    void onDestroyed() {
        lock.lock();
        try {
            if (conn != null && finalStats == null) {
                finalStats = snapshotOnIo();
            }
            destroyed = true;
            sCount = 0;                     // unsent bytes can no longer go anywhere
            releaseSendRing();
            if (rCount == 0) {
                releaseReadRing();
            }
            readCond.signalAll();
            writeCond.signalAll();
            stateCond.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The endpoint stopped: wake every waiter with {@code message}. Any thread. */
    void terminate(String message) {
        lock.lock();
        try {
            if (!destroyed) {
                destroyed = true;
                if (!eof && error < 0) {
                    terminatedMessage = message;
                }
            }
            readCond.signalAll();
            writeCond.signalAll();
            stateCond.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void closeOnIo() {
        closeOnIo(null);
    }

    /** I/O thread: close after the buffered data; {@code reason} is what later reads and writes report. */
    void closeOnIo(String reason) {
        lock.lock();
        try {
            closeRequested = true;
            if (reason != null && !userClosed && terminatedMessage == null && error < 0) {
                terminatedMessage = reason;
                readCond.signalAll();
                writeCond.signalAll();
                stateCond.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (conn == null) {
            return;                         // never connected; startConnect sees closeRequested
        }
        serviceOnIo();
    }

    /** Moves buffered bytes into the protocol, issues requested shutdown/close, reopens the window. */
    void serviceOnIo() {
        scheduled.set(false);
        Connection c = conn;
        if (c == null) {
            return;
        }
        boolean drain = false;
        lock.lock();
        try {
            drain = drainRequested;
            drainRequested = false;
            if (!destroyed && error < 0 && connected) {
                while (sCount > 0) {
                    int n = Math.min(sCount, sbuf.length - sHead);
                    long w = c.write(sseg, sHead, n);
                    if (w <= 0) {
                        break;
                    }
                    sHead = (int) ((sHead + w) % sbuf.length);
                    sCount -= (int) w;
                    bytesSent += w;
                    writeCond.signalAll();
                }
                if (sCount == 0) {
                    sHead = 0;
                    if (shutdownRequested && !shutdownIssued) {
                        shutdownIssued = true;
                        c.shutdown(1);
                    }
                    if (outputShutdown || userClosed) {
                        releaseSendRing();  // no more writes can come
                    }
                }
            }
            boolean drained = sCount == 0 || destroyed || error >= 0;
            if (closeRequested && !closeIssued && (drained || !connected)) {
                closeIssued = true;
                c.close();
            }
        } finally {
            lock.unlock();
        }
        if (drain && !closeIssued) {
            c.readDrained();
        }
    }

    /** Bytes held by the two rings (for tests of idle-stream memory). */
    int ringBytes() {
        lock.lock();
        try {
            return rbuf.length + sbuf.length;
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. */
    private void releaseReadRing() {
        rbuf = NO_RING;
        rHead = 0;
        rCount = 0;
        unread = 0;
    }

    /** Lock held; the ring is empty. */
    private void releaseSendRing() {
        sbuf = NO_RING;
        sseg = NO_RING_SEGMENT;
        sHead = 0;
    }

    private UtpStreamStats snapshotOnIo() {
        Connection c = conn;
        if (c == null) {
            return emptyStats();
        }
        ConnectionStats cs = c.stats();
        return new UtpStreamStats(bytesSent, bytesReceived, cs.packetsSent, cs.packetsReceived,
                cs.timeoutRetransmits + cs.timeoutRecoveryRetransmits + cs.fastRetransmits, cs.fastRetransmits,
                cs.duplicatesReceived, c.rttMillis(), c.mtuGuess(), c.congestionWindow(), cs.windowOverrunDrops);
    }

    // ------------------------------------------------------------------ the two byte streams

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = UtpStream.this.read(one, 0, 1, null);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return UtpStream.this.read(b, off, len, null);
        }

        @Override
        public int available() throws IOException {
            return UtpStream.this.available();
        }

        @Override
        public void close() throws IOException {
            UtpStream.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            UtpStream.this.write(new byte[] {(byte) b}, 0, 1, null);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            UtpStream.this.write(b, off, len, null);
        }

        @Override
        public void close() throws IOException {
            UtpStream.this.close();
        }
    }
}
