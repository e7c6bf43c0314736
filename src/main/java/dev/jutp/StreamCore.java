package dev.jutp;

import dev.jutp.engine.Connection;
import dev.jutp.engine.ConnectionStats;
import dev.jutp.engine.Engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.InetSocketAddress;
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
 * The state of one stream shared by its application threads and the endpoint's I/O side: the two
 * byte rings, the flags the blocking calls wait on, and the connection (touched by the I/O side
 * only). The endpoint holds this, never the public {@link UtpStream}, so a stream the application
 * drops can be collected and its {@link java.lang.ref.Cleaner} action can end the connection.
 *
 * <p>Application-side methods park on {@link Condition}s with no monitor held (virtual threads);
 * I/O-side methods (suffix {@code OnIo}, and the {@code on...} events) run on the endpoint's I/O side.
 */
final class StreamCore {
    /** The longest wait for live statistics from the I/O side; the last known ones are returned after it. */
    private static final long STATS_WAIT_SECONDS = 5;
    /** Buffered bytes that wake a blocked reader at once; fewer wait for the end of the I/O side's pass. */
    static final int READ_WAKE_BYTES = 64 * 1024;

    /** Work for the I/O side on behalf of one stream, so a failing command can fail its stream. */
    record Command(StreamCore stream, Runnable body) implements Runnable {
        @Override
        public void run() {
            body.run();
        }
    }

    private final StreamPort port;
    private volatile boolean ownsEndpoint;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readCond = lock.newCondition();
    private final Condition writeCond = lock.newCondition();
    private final Condition stateCond = lock.newCondition();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Command ioTask = new Command(this, this::serviceOnIo);
    private final Command closeTask = new Command(this, () -> closeOnIo(null));
    private final Command abortTask = new Command(this, this::abortOnIo);
    private final Command droppedTask = new Command(this, this::droppedOnIo);

    /** I/O side only. */
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
    private boolean inputShutdown;
    private boolean shutdownRequested;
    private boolean closeRequested;
    private boolean drainRequested;
    private boolean aborted;
    /** What was not delivered, once known (an error, a linger expiry, an abandoned connection). */
    private String undelivered;
    private UtpStreamStats finalStats;

    // I/O side only.
    private boolean shutdownIssued;
    private boolean closeIssued;
    private long lingerDeadlineMillis = Long.MAX_VALUE;

    // Both rings are empty until the first byte arrives or is written, then grow on demand (never
    // on a steady transfer's path), and are dropped once no longer needed, so thousands of idle
    // streams stay cheap.
    /** Receive ring (guarded by lock); unread mirrors its size for the engine's window computation. */
    private final ByteRing received = new ByteRing();
    private volatile long unread;
    private long bytesReceived;

    /** Send ring (guarded by lock): bytes written, not yet taken by the protocol. */
    private final ByteRing unsent = new ByteRing();
    private final int sendCapacity;
    private long bytesSent;

    // Wake-ups (guarded by lock): a blocked reader is woken once READ_WAKE_BYTES are buffered or the
    // I/O side's pass ends, a blocked writer once a quarter of the send buffer is free (or room for
    // the rest of its write), so each wake-up moves a large piece instead of a packet's worth.
    private int readersWaiting;
    /** A waiting reader was signalled and has not run yet: more bytes need no second signal. */
    private boolean readerSignalled;
    private int writersWaiting;
    private int writeWakeRoom = Integer.MAX_VALUE;
    /** A reader (writer) is copying out of (into) its ring without the lock; others wait for it. */
    private boolean readerCopying;
    private boolean writerCopying;
    /** I/O side only: this stream is in the driver's list of readers to wake at the end of the pass. */
    private boolean readWakeQueued;
    /** Times a blocked reader was signalled that bytes arrived, and times a writer blocked (for tests). */
    private long readerWakeups;
    private long writerWaits;

    private volatile int soTimeoutMillis;
    private volatile int writeTimeoutMillis;
    private volatile Duration linger;

    StreamCore(StreamPort port) {
        this.port = port;
        this.sendCapacity = port.options().sendBufferBytes();
        this.linger = port.options().linger();
    }

    StreamPort port() {
        return port;
    }

    void setOwnsEndpoint() {
        ownsEndpoint = true;
    }

    InetSocketAddress remoteAddress() {
        return remote;
    }

    // ------------------------------------------------------------------ application side

    void setSoTimeout(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + millis);
        }
        soTimeoutMillis = millis;
    }

    int soTimeout() {
        return soTimeoutMillis;
    }

    void setWriteTimeout(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + millis);
        }
        writeTimeoutMillis = millis;
    }

    int writeTimeout() {
        return writeTimeoutMillis;
    }

    void setLinger(Duration d) {
        linger = UtpOptions.checkLinger(d);
    }

    Duration linger() {
        return linger;
    }

    boolean isConnected() {
        lock.lock();
        try {
            return connected && !destroyed && error < 0 && terminatedMessage == null && !userClosed;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return userClosed;
        } finally {
            lock.unlock();
        }
    }

    /** Sends FIN after every byte already written; reading continues (half-close). Idempotent. */
    void shutdownOutput() throws IOException {
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

    /** Later reads return end of stream; bytes still arriving are discarded. Idempotent. */
    void shutdownInput() throws IOException {
        lock.lock();
        try {
            if (userClosed) {
                throw new IOException("stream closed");
            }
            inputShutdown = true;
            releaseReadRing();
            readCond.signalAll();
        } finally {
            lock.unlock();
        }
        schedule();                         // reopens the window: what arrives is dropped unread
    }

    /**
     * Closes: FIN after the bytes already written, then waits until the peer acknowledged everything
     * or the linger passes (then the connection is reset and the bytes not delivered are reported).
     */
    void close() throws IOException {
        if (!closeInBackground()) {
            return;
        }
        boolean interrupted = false;
        String outcome;
        lock.lock();
        try {
            while (!destroyed) {
                if (Thread.currentThread().isInterrupted()) {
                    interrupted = true;
                    break;
                }
                try {
                    stateCond.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    interrupted = true;
                    break;
                }
            }
            outcome = undelivered;
        } finally {
            lock.unlock();
        }
        if (ownsEndpoint) {
            port.closeEndpoint(!interrupted);
        }
        if (interrupted) {
            throw new InterruptedIOException("interrupted while closing: the FIN is queued after the bytes written,"
                    + " whose delivery goes on in the background without confirmation (linger " + linger + ")");
        }
        if (outcome != null) {
            throw new SocketException(outcome);
        }
    }

    /** Closes without waiting (a listener's unaccepted streams): FIN after the buffered bytes; false if already closed. */
    boolean closeInBackground() {
        lock.lock();
        try {
            if (userClosed) {
                return false;
            }
            userClosed = true;
            closeRequested = true;
            releaseReadRing();              // unread bytes are discarded, as by a closed socket
            signalAll();
        } finally {
            lock.unlock();
        }
        try {
            port.submit(closeTask);
        } catch (IOException stopped) {
            // the endpoint stopped first: terminate() recorded how the stream ended
        }
        return true;
    }

    /** Resets the connection now: RST to the peer, unsent and unacknowledged bytes discarded. */
    void abort() {
        lock.lock();
        try {
            if (aborted) {
                return;
            }
            aborted = true;
            userClosed = true;
            closeRequested = true;
            releaseSendRing();
            releaseReadRing();
            signalAll();
        } finally {
            lock.unlock();
        }
        try {
            port.submit(abortTask);
        } catch (IOException stopped) {
            // the endpoint stopped: its connections are gone already
        }
        if (ownsEndpoint) {
            port.closeEndpoint(!Thread.currentThread().isInterrupted());
        }
    }

    /** The public stream became unreachable without close(): FIN after its bytes, RST if they cannot go. */
    void dropped() {
        lock.lock();
        try {
            if (userClosed) {
                return;                     // closed or aborted: the cleanable is just being released
            }
        } finally {
            lock.unlock();
        }
        try {
            port.submit(droppedTask);
        } catch (IOException stopped) {
            // nothing left to tell the peer
        }
        if (ownsEndpoint) {
            port.closeEndpoint(false);
        }
    }

    UtpStreamStats stats() {
        lock.lock();
        try {
            if (destroyed || port.isTerminated()) {
                return finalStats != null ? finalStats : emptyStats();
            }
        } finally {
            lock.unlock();
        }
        CompletableFuture<UtpStreamStats> f = new CompletableFuture<>();
        try {
            port.submit(new Command(this, () -> f.complete(snapshotOnIo())));
            return f.get(STATS_WAIT_SECONDS, TimeUnit.SECONDS);
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

    private UtpStreamStats emptyStats() {
        return new UtpStreamStats(bytesSent, bytesReceived, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    long unreadBytes() {
        return unread;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                port.submit(ioTask);
            } catch (IOException e) {
                scheduled.set(false);
            }
        }
    }

    private void signalAll() {
        readCond.signalAll();
        writeCond.signalAll();
        stateCond.signalAll();
    }

    /** The error to throw for a failed connection (lock held). */
    private IOException failure() {
        if (terminatedMessage != null) {
            return new SocketException(terminatedMessage);
        }
        return switch (error) {
            case Connection.ECONNREFUSED -> new ConnectException("connection refused");
            case Connection.ECONNRESET -> new SocketException("connection reset by peer");
            case Connection.ETIMEDOUT -> new SocketException("connection timed out");
            default -> new SocketException("connection closed");
        };
    }

    /** Waits for the handshake; on timeout or interrupt the attempt is reset. */
    void awaitConnected(Duration timeout) throws IOException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!connected && error < 0 && !destroyed && !userClosed) {
                if (remaining <= 0) {
                    break;
                }
                remaining = stateCond.awaitNanos(remaining);
            }
            if (connected) {
                return;
            }
            if (error == Connection.ECONNREFUSED) {
                throw new ConnectException("connection refused");
            }
            if (terminatedMessage != null) {
                throw new SocketException(terminatedMessage);
            }
            if (error >= 0 && error != Connection.ETIMEDOUT) {
                throw failure();
            }
            userClosed = true;
            closeRequested = true;
        } catch (InterruptedException e) {
            userClosed = true;
            closeRequested = true;
            Thread.currentThread().interrupt();
            lock.unlock();
            abort();
            throw new InterruptedIOException("interrupted while connecting");
        } finally {
            if (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
        }
        abort();
        throw new SocketTimeoutException("connect timed out");
    }

    int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return read(b, off, len, null);
    }

    /** Reads into {@code dst} without a {@code byte[]} in between (a direct buffer: one copy fewer). */
    int read(ByteBuffer dst) throws IOException {
        return dst.hasRemaining() ? read(null, 0, dst.remaining(), dst) : 0;
    }

    /** Copies into {@code b} at {@code off}, or into {@code dst} when {@code b} is null. */
    private int read(byte[] b, int off, int len, ByteBuffer dst) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n;
        byte[] ring;
        int from;
        int releases;
        lock.lock();
        try {
            int timeout = soTimeoutMillis;
            long remaining = TimeUnit.MILLISECONDS.toNanos(timeout);
            while (readerCopying || received.isEmpty()) {
                if (userClosed) {
                    throw new SocketException("stream closed");
                }
                if (!readerCopying) {
                    if (eof || inputShutdown) {
                        return -1;
                    }
                    if (error >= 0 || terminatedMessage != null) {
                        throw failure();
                    }
                    if (destroyed) {
                        return -1;
                    }
                }
                if (timeout != 0 && remaining <= 0) {
                    throw new SocketTimeoutException("read timed out");
                }
                readersWaiting++;
                try {
                    if (timeout == 0) {
                        readCond.await();
                    } else {
                        remaining = readCond.awaitNanos(remaining);
                    }
                } finally {
                    readersWaiting--;
                    readerSignalled = false;
                }
            }
            if (userClosed) {
                throw new SocketException("stream closed");
            }
            n = Math.min(len, received.size());
            ring = received.storage();
            from = received.head();
            releases = received.releases();
            readerCopying = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading");
        } finally {
            lock.unlock();
        }
        // The copy runs without the lock, so the I/O side keeps appending meanwhile: it writes only
        // beyond these bytes, and a ring it grows leaves this array intact.
        boolean drain;
        try {
            if (b != null) {
                ByteRing.copyOut(ring, from, b, off, n);
            } else {
                ByteRing.copyOut(ring, from, dst, n);
            }
        } finally {
            lock.lock();
            try {
                readerCopying = false;
                if (received.releases() == releases) {
                    received.skip(n);
                    if (received.isEmpty() && (eof || destroyed || error >= 0)) {
                        releaseReadRing();  // nothing more can arrive
                    }
                    unread = received.size();
                }                           // else closed meanwhile: the bytes were read before it
                if (readersWaiting > 0) {
                    readCond.signalAll();   // another reader waited for this copy
                }
                drain = !drainRequested;
                drainRequested = true;
            } finally {
                lock.unlock();
            }
        }
        if (drain) {
            schedule();
        }
        return n;
    }

    /** Whether a read would return end of stream now (nothing buffered, nothing more to come). */
    boolean atEndOfStream() {
        lock.lock();
        try {
            return received.isEmpty() && (eof || inputShutdown || destroyed && error < 0 && terminatedMessage == null);
        } finally {
            lock.unlock();
        }
    }

    int available() throws IOException {
        lock.lock();
        try {
            if (userClosed) {
                throw new SocketException("stream closed");
            }
            return received.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Copies all of {@code b[off, off+len)} into the send ring, waiting for room. Interrupted, it
     * reports in {@link InterruptedIOException#bytesTransferred} exactly the bytes it took, which
     * will be sent.
     */
    void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        write(b, off, len, null);
    }

    /** Writes all of {@code src}'s remaining bytes, like {@link #write(byte[], int, int)}. */
    void write(ByteBuffer src) throws IOException {
        write(null, 0, src.remaining(), src);
    }

    /** Copies from {@code b} at {@code off}, or from {@code src} when {@code b} is null. */
    private void write(byte[] b, int off, int len, ByteBuffer src) throws IOException {
        int taken = 0;
        int timeout = writeTimeoutMillis;
        long remaining = TimeUnit.MILLISECONDS.toNanos(timeout);
        while (len > 0) {
            int n;
            byte[] ring;
            int at;
            int releases;
            lock.lock();
            try {
                while (true) {
                    if (userClosed) {
                        throw new SocketException("stream closed");
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
                    if (!writerCopying) {
                        unsent.reserve((int) Math.min(Integer.MAX_VALUE, (long) unsent.size() + len), sendCapacity);
                        if (unsent.free() > 0) {
                            break;
                        }
                    }
                    if (timeout != 0 && remaining <= 0) {
                        SocketTimeoutException te = new SocketTimeoutException(
                                "write timed out: " + taken + " bytes of this write were taken and will be sent");
                        te.bytesTransferred = taken;
                        throw te;
                    }
                    // Woken once this much is free: the rest of the write, or a quarter of the buffer.
                    writeWakeRoom = Math.min(writeWakeRoom, Math.min(len, Math.max(1, sendCapacity / 4)));
                    writersWaiting++;
                    writerWaits++;
                    try {
                        if (timeout == 0) {
                            writeCond.await();
                        } else {
                            remaining = writeCond.awaitNanos(remaining);
                        }
                    } finally {
                        if (--writersWaiting == 0) {
                            writeWakeRoom = Integer.MAX_VALUE;
                        }
                    }
                }
                n = Math.min(len, unsent.free());
                ring = unsent.storage();
                at = unsent.tail();
                releases = unsent.releases();
                writerCopying = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                InterruptedIOException ie = new InterruptedIOException(
                        "interrupted while writing: " + taken + " bytes of this write were taken and will be sent");
                ie.bytesTransferred = taken;
                lock.unlock();
                schedule();
                throw ie;
            } finally {
                if (lock.isHeldByCurrentThread()) {
                    lock.unlock();
                }
            }
            // The copy runs without the lock, so the I/O side keeps sending meanwhile: it reads only
            // the bytes before these, and nothing else resizes the send ring while writerCopying.
            boolean committed = false;
            try {
                if (b != null) {
                    ByteRing.copyIn(b, off, ring, at, n);
                } else {
                    ByteRing.copyIn(src, ring, at, n);
                }
            } finally {
                lock.lock();
                try {
                    writerCopying = false;
                    if (unsent.releases() == releases) {
                        unsent.commitPut(at, n);
                        committed = true;
                    }                       // else aborted or failed meanwhile: the next pass says how
                    if (writersWaiting > 0) {
                        writeCond.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
            if (committed) {
                off += n;
                len -= n;
                taken += n;
            }
            schedule();
        }
    }

    // ------------------------------------------------------------------ I/O side

    Connection connection() {
        return conn;
    }

    /** Opens the connection; false if the stream was closed first (then it is already finished). */
    boolean startConnect(Engine engine, InetSocketAddress to) {
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
            return false;
        }
        Connection c = engine.createConnection();
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
        return true;
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

    /**
     * A payload in order. @return true if a reader is waiting and this stream must be woken with
     * {@link #wakeReaderOnIo()} once the I/O side's pass is over (fewer, larger wake-ups).
     */
    boolean onRead(MemorySegment seg, long off, int len) {
        lock.lock();
        try {
            bytesReceived += len;
            if (userClosed || inputShutdown) {
                return false;               // nobody will read it: do not buffer it
            }
            // The window keeps the ring near the receive-buffer option: no limit of its own.
            received.reserve(received.size() + len, Integer.MAX_VALUE);
            received.put(seg, off, len);
            unread = received.size();
            if (readersWaiting == 0 || readerSignalled) {
                return false;
            }
            if (received.size() >= READ_WAKE_BYTES) {
                wakeReader();
                return false;
            }
            if (readWakeQueued) {
                return false;
            }
            readWakeQueued = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Lock held: signals a reader waiting for bytes, once until it runs. */
    private void wakeReader() {
        readerSignalled = true;
        readerWakeups++;
        readCond.signal();
    }

    /** I/O side, at the end of a pass, for a stream {@link #onRead} queued: wakes a reader waiting for bytes. */
    void wakeReaderOnIo() {
        lock.lock();
        try {
            readWakeQueued = false;
            if (readersWaiting > 0 && !readerSignalled && !received.isEmpty()) {
                wakeReader();
            }
        } finally {
            lock.unlock();
        }
    }

    void onEof() {
        lock.lock();
        try {
            eof = true;
            if (received.isEmpty()) {
                releaseReadRing();
            }
            readCond.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void onError(int code) {
        long lost = undeliveredOnIo();
        lock.lock();
        try {
            if (error < 0) {
                error = code;
            }
            if (lost > 0 && undelivered == null) {
                undelivered = failure().getMessage() + ": " + lost + " bytes written were not delivered";
            }
            finalStats = snapshotOnIo();
            signalAll();
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
            releaseSendRing();              // unsent bytes can no longer go anywhere
            if (received.isEmpty()) {
                releaseReadRing();
            }
            signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The endpoint stopped or failed: wake every waiter with {@code message}. Any thread. */
    void terminate(String message) {
        lock.lock();
        try {
            if (!destroyed) {
                destroyed = true;
                if (!eof && error < 0) {
                    terminatedMessage = message;
                }
                if (!unsent.isEmpty() && undelivered == null) {
                    undelivered = message + ": " + unsent.size() + " bytes written were not delivered";
                }
            }
            signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** I/O side: close after the buffered data; {@code reason} is what later reads and writes report. */
    void closeOnIo(String reason) {
        lock.lock();
        try {
            closeRequested = true;
            if (reason != null && !userClosed && terminatedMessage == null && error < 0) {
                terminatedMessage = reason;
                signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (conn == null) {
            return;                         // never connected; startConnect sees closeRequested
        }
        if (lingerDeadlineMillis == Long.MAX_VALUE) {
            long millis = Math.min(linger.toMillis(), Long.MAX_VALUE / 4);
            lingerDeadlineMillis = conn.engine().nowMillis() + millis;
        }
        serviceOnIo();
    }

    private void abortOnIo() {
        if (conn != null) {
            closeIssued = true;
            conn.abort();
        }
    }

    /**
     * The application dropped the stream: close it as close() would (FIN after the bytes written),
     * with nobody waiting. What the peer has not acknowledged when the linger passes is reset, so
     * the peer learns its stream is truncated.
     */
    private void droppedOnIo() {
        lock.lock();
        try {
            if (userClosed) {
                return;                     // closed or aborted before it became unreachable
            }
            userClosed = true;
            releaseReadRing();
        } finally {
            lock.unlock();
        }
        closeOnIo(null);
    }

    /** The linger passed before the peer acknowledged everything: reset, report what was lost. */
    void lingerExpired() {
        abandon("linger of " + linger.toMillis() + " ms expired");
    }

    /** Resets the connection and records {@code why} with the bytes not delivered, if any. */
    void abandon(String why) {
        if (conn == null || isDestroyedOnIo()) {
            return;
        }
        long lost = undeliveredOnIo();
        lock.lock();
        try {
            if (lost > 0 && undelivered == null) {
                undelivered = why + ": " + lost + " bytes written were not delivered; the connection was reset";
            }
            if (!userClosed && terminatedMessage == null && error < 0) {
                terminatedMessage = why;
            }
            releaseSendRing();
            signalAll();
        } finally {
            lock.unlock();
        }
        abortOnIo();
    }

    /** Bytes written by the application that the peer has not acknowledged (I/O side). */
    private long undeliveredOnIo() {
        lock.lock();
        try {
            return unsent.size() + (conn != null ? conn.unacknowledgedBytes() : 0);
        } finally {
            lock.unlock();
        }
    }

    long lingerDeadlineMillis() {
        return lingerDeadlineMillis;
    }

    boolean isDestroyedOnIo() {
        Connection c = conn;
        return c == null || c.state() == Connection.DESTROY || destroyedFlag();
    }

    private boolean destroyedFlag() {
        lock.lock();
        try {
            return destroyed;
        } finally {
            lock.unlock();
        }
    }

    /** Moves buffered bytes into the protocol, issues requested shutdown/close, reopens the window. */
    void serviceOnIo() {
        scheduled.set(false);
        Connection c = conn;
        if (c == null) {
            return;
        }
        boolean drain;
        lock.lock();
        try {
            drain = drainRequested;
            drainRequested = false;
            if (!destroyed && error < 0 && connected) {
                while (!unsent.isEmpty()) {
                    long w = c.write(unsent.segment(), unsent.head(), unsent.firstRun());
                    if (w <= 0) {
                        break;
                    }
                    unsent.skip((int) w);
                    bytesSent += w;
                }
                if (writersWaiting > 0 && unsent.free() >= writeWakeRoom) {
                    writeCond.signalAll();
                }
                if (unsent.isEmpty() && !writerCopying) {   // a write that began before the shutdown goes first
                    if (shutdownRequested && !shutdownIssued) {
                        shutdownIssued = true;
                        c.shutdown(Connection.SHUT_WR);
                    }
                    if (outputShutdown || userClosed) {
                        releaseSendRing();  // no more writes can come
                    }
                }
            }
            boolean drained = unsent.isEmpty() && !writerCopying || destroyed || error >= 0;
            if (closeRequested && !closeIssued && !aborted && (drained || !connected)) {
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

    /** Times a blocked reader was signalled that bytes had arrived, and times a writer blocked for room. */
    record WakeCounts(long readerWakeups, long writerWaits) { }

    /** The wake-up counters (for tests). */
    WakeCounts wakeCounts() {
        lock.lock();
        try {
            return new WakeCounts(readerWakeups, writerWaits);
        } finally {
            lock.unlock();
        }
    }

    /** Bytes held by the two rings (for tests of idle-stream memory). */
    int ringBytes() {
        lock.lock();
        try {
            return received.capacity() + unsent.capacity();
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. */
    private void releaseReadRing() {
        received.release();
        unread = 0;
    }

    /** Lock held: drops the send ring and whatever it still held. */
    private void releaseSendRing() {
        unsent.release();
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

    @Override
    public String toString() {
        return "stream " + port.localAddress() + " -> " + remote;
    }
}
