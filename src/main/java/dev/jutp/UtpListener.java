package dev.jutp;

import dev.jutp.engine.Connection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Accepts incoming uTP connections on an endpoint. Connections are accepted by the protocol as soon as
 * their SYN arrives and wait in a backlog until {@link #accept()} takes them; when the backlog is full,
 * new connections are closed.
 */
public final class UtpListener implements java.io.Closeable {
    private final UtpEndpoint endpoint;
    private final StreamPort port;
    /** Run on the I/O side once this listener is closed: the endpoint stops accepting SYNs. */
    private final Consumer<UtpListener> stopAccepting;
    private volatile boolean ownsEndpoint;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    /** Guarded by lock. */
    private final ArrayDeque<UtpStream> backlog = new ArrayDeque<>();
    private volatile boolean closed;

    UtpListener(UtpEndpoint endpoint, StreamPort port, int backlog, Consumer<UtpListener> stopAccepting) {
        this.endpoint = endpoint;
        this.port = port;
        this.capacity = backlog;
        this.stopAccepting = stopAccepting;
    }

    /**
     * Binds a new endpoint at {@code local} (port 0 = ephemeral) with default options and listens on it;
     * {@link #close()} closes the endpoint.
     *
     * @param local the address to bind ({@link java.net.InetSocketAddress})
     * @return the listener
     * @throws IOException if the socket cannot be bound
     */
    public static UtpListener bind(SocketAddress local) throws IOException {
        return bind(local, UtpOptions.defaults());
    }

    /**
     * Like {@link #bind(SocketAddress)}, with {@code options} for the endpoint and its streams.
     *
     * @param local the address to bind ({@link java.net.InetSocketAddress})
     * @param options the options of the endpoint and of the accepted streams
     * @return the listener
     * @throws IOException if the socket cannot be bound
     */
    public static UtpListener bind(SocketAddress local, UtpOptions options) throws IOException {
        Objects.requireNonNull(local, "local");
        if (!(local instanceof java.net.InetSocketAddress isa)) {
            throw new IllegalArgumentException("not an InetSocketAddress: " + local.getClass().getName());
        }
        UtpEndpoint ep = UtpEndpoint.bind(isa, options);
        try {
            UtpListener l = ep.listen();
            l.ownsEndpoint = true;
            return l;
        } catch (RuntimeException e) {
            ep.close();
            throw e;
        }
    }

    /**
     * Waits for the next connection (parks the caller; a connection or {@link #close()} wakes it).
     *
     * @throws SocketException "listener closed" once closed and no accepted connection is left
     * @return the next accepted connection
     */
    public UtpStream accept() throws IOException {
        return take(-1);
    }

    /**
     * Waits at most {@code timeout} for the next connection.
     *
     * @param timeout the longest wait, positive
     * @return the next accepted connection
     * @throws SocketTimeoutException when none arrives within {@code timeout}
     * @throws SocketException "listener closed" once closed and no accepted connection is left
     * @throws IOException if the wait is interrupted ({@link java.io.InterruptedIOException})
     */
    public UtpStream accept(Duration timeout) throws IOException {
        UtpOptions.checkTimeout(timeout, "timeout");
        return take(timeout.toNanos());
    }

    /** {@code nanos} < 0: no bound. */
    private UtpStream take(long nanos) throws IOException {
        boolean bounded = nanos >= 0;
        lock.lock();
        try {
            while (backlog.isEmpty()) {
                if (closed) {
                    throw new SocketException("listener closed");
                }
                if (!bounded) {
                    arrived.await();
                } else {
                    if (nanos <= 0) {
                        throw new SocketTimeoutException("accept timed out");
                    }
                    nanos = arrived.awaitNanos(nanos);
                }
            }
            return backlog.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting");
        } finally {
            lock.unlock();
        }
    }

    /** The next accepted connection if one waits, else null (never blocks; for the simulator). */
    UtpStream poll() {
        lock.lock();
        try {
            return backlog.poll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Accepted connections, one per element, in arrival order (rust-utp's incoming iterator). Each
     * element blocks like {@link #accept()}; the stream ends when the listener is closed. Other I/O
     * errors surface as {@link UncheckedIOException}.
     *
     * @return a sequential stream of accepted connections
     */
    public Stream<UtpStream> incoming() {
        Spliterator<UtpStream> sp = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE,
                Spliterator.ORDERED | Spliterator.NONNULL) {
            @Override
            public boolean tryAdvance(Consumer<? super UtpStream> action) {
                UtpStream s;
                try {
                    s = accept();
                } catch (IOException e) {
                    if (closed) {
                        return false;
                    }
                    throw new UncheckedIOException(e);
                }
                action.accept(s);
                return true;
            }
        };
        return StreamSupport.stream(sp, false);
    }

    /**
     * The local address connections arrive at.
     *
     * @return the bound address
     */
    public java.net.InetSocketAddress localAddress() {
        return port.localAddress();
    }

    /**
     * The endpoint this listener accepts on.
     *
     * @return the endpoint
     */
    public UtpEndpoint endpoint() {
        return endpoint;
    }

    boolean isClosed() {
        return closed;
    }

    /** I/O side: wraps an accepted connection in a stream of this endpoint. */
    UtpStream newAccepted(Connection c) {
        StreamCore core = new StreamCore(port);
        core.attachAccepted(c);
        return new UtpStream(core);
    }

    /** I/O side: queues an accepted stream; false when closed or the backlog is full. */
    boolean offer(UtpStream s) {
        lock.lock();
        try {
            if (closed || backlog.size() >= capacity) {
                return false;
            }
            backlog.add(s);
            arrived.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting; closes (in the background) the streams nobody accepted. Any thread. */
    void markClosed() {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        UtpStream s;
        while ((s = poll()) != null) {
            s.core().closeInBackground();
        }
    }

    /** Stops accepting and closes unaccepted connections; closes the endpoint if {@link #bind} made it. */
    @Override
    public void close() {
        if (!closed) {
            markClosed();
            try {
                port.submit(() -> stopAccepting.accept(this));
            } catch (IOException stopped) {
                // the endpoint stopped: nothing accepts anyway
            }
        }
        if (ownsEndpoint) {
            endpoint.close();
        }
    }
}
