package dev.jutp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Accepts incoming uTP connections on an endpoint. Connections are accepted by the protocol as soon as
 * their SYN arrives and wait in a backlog until {@link #accept()} takes them; when the backlog is full,
 * new connections are closed.
 */
public final class UtpListener implements java.io.Closeable {
    private static final long POLL_SLICE_MILLIS = 100;

    private final UtpEndpoint endpoint;
    private final boolean ownsEndpoint;
    private final LinkedBlockingQueue<UtpStream> backlog;
    private volatile boolean closed;

    UtpListener(UtpEndpoint endpoint, boolean ownsEndpoint, int backlog) {
        this.endpoint = endpoint;
        this.ownsEndpoint = ownsEndpoint;
        this.backlog = new LinkedBlockingQueue<>(backlog);
    }

    /** Binds a new endpoint at {@code local} and listens on it; {@link #close()} closes the endpoint. */
    public static UtpListener bind(SocketAddress local) throws IOException {
        return bind(local, UtpOptions.defaults());
    }

    public static UtpListener bind(SocketAddress local, UtpOptions options) throws IOException {
        Objects.requireNonNull(local, "local");
        if (!(local instanceof java.net.InetSocketAddress isa)) {
            throw new IllegalArgumentException("not an InetSocketAddress: " + local.getClass().getName());
        }
        UtpEndpoint ep = UtpEndpoint.bind(isa, options);
        try {
            return ep.listen(true);
        } catch (RuntimeException e) {
            ep.close();
            throw e;
        }
    }

    /** Waits for the next connection. */
    public UtpStream accept() throws IOException {
        while (true) {
            UtpStream s = poll(POLL_SLICE_MILLIS);
            if (s != null) {
                return s;
            }
        }
    }

    /** Waits at most {@code timeout} for the next connection; {@link SocketTimeoutException} after that. */
    public UtpStream accept(Duration timeout) throws IOException {
        UtpOptions.checkTimeout(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("accept timed out");
            }
            UtpStream s = poll(Math.max(1, Math.min(POLL_SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
            if (s != null) {
                return s;
            }
        }
    }

    private UtpStream poll(long millis) throws IOException {
        if (closed && backlog.isEmpty()) {
            throw new SocketException("listener closed");
        }
        try {
            return backlog.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while accepting");
        }
    }

    /**
     * Accepted connections, one per element, in arrival order (rust-utp's incoming iterator). Each
     * element blocks like {@link #accept()}; the stream ends when the listener is closed. Other I/O
     * errors surface as {@link UncheckedIOException}.
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

    public java.net.InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    public UtpEndpoint endpoint() {
        return endpoint;
    }

    boolean isClosed() {
        return closed;
    }

    /** I/O thread: queues an accepted stream; false when closed or the backlog is full. */
    boolean offer(UtpStream s) {
        return !closed && backlog.offer(s);
    }

    /** Stops accepting; closes streams nobody accepted. */
    void markClosed() {
        closed = true;
        UtpStream s;
        while ((s = backlog.poll()) != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing an unaccepted stream cannot fail meaningfully
            }
        }
    }

    /** Stops accepting and closes unaccepted connections; closes the endpoint if {@link #bind} made it. */
    @Override
    public void close() {
        if (!closed) {
            markClosed();
            endpoint.stopListening(this);
        }
        if (ownsEndpoint) {
            endpoint.close();
        }
    }
}
