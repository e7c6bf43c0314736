package dev.jutp;

import dev.jutp.net.DatagramBatch;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The application's requests to one endpoint, turned into work for its I/O side: start a connection,
 * start and stop listening, send a datagram that is not uTP, read the counters. Arguments are checked
 * here, on the caller's thread, so a bad call fails at once; the work then goes through the
 * {@link StreamPort} and runs on the {@link EndpointDriver}'s thread.
 */
final class EndpointRequests {
    /**
     * Largest UDP payload to an IPv4 address: 65,535 bytes of IP datagram less the 20-byte IPv4
     * header and the 8-byte UDP header.
     */
    static final int MAX_UDP_PAYLOAD_V4_BYTES = 65_507;
    /** How often a caller of {@link #listen} checks that the I/O side is still running. */
    private static final long LISTEN_CHECK_MILLIS = 100;
    /** The longest wait for the counters (diagnostics: a stuck I/O side reports, not hangs). */
    private static final long COUNTERS_WAIT_SECONDS = 10;

    private final StreamPort port;
    private final EndpointDriver driver;
    /** False on the tests' virtual network, whose I/O side only runs when the test steps time. */
    private final boolean awaitListening;
    private final ReentrantLock listenLock = new ReentrantLock();
    /** The current listener; guarded by listenLock. */
    private UtpListener listener;

    EndpointRequests(StreamPort port, EndpointDriver driver, boolean awaitListening) {
        this.port = port;
        this.driver = driver;
        this.awaitListening = awaitListening;
    }

    /** Starts a connection from {@code endpoint} without waiting for the handshake. */
    UtpStream startConnect(SocketAddress remote) throws IOException {
        InetSocketAddress to = RemoteAddresses.check(remote);
        RemoteAddresses.checkFamily(port.localAddress(), to);
        StreamCore core = new StreamCore(port);
        UtpStream s = new UtpStream(core);
        port.submit(new StreamCore.Command(core, () -> driver.startConnect(core, to)));
        return s;
    }

    /**
     * The endpoint's listener, made and registered with the I/O side if there is none or it was
     * closed. Returns once the I/O side accepts SYNs, so a peer told to connect right after this is
     * not ignored (it would lose its first SYN and wait 3 s for the retransmission).
     */
    UtpListener listen(UtpEndpoint endpoint) {
        listenLock.lock();
        try {
            if (port.isTerminated() || driver.isCloseRequested()) {
                throw new IllegalStateException("endpoint closed");
            }
            UtpListener l = listener;
            if (l == null || l.isClosed()) {
                UtpListener fresh = new UtpListener(endpoint, port, EndpointDriver.ACCEPT_BACKLOG_STREAMS,
                        closed -> driver.setListener(closed, false));
                CompletableFuture<Void> started = new CompletableFuture<>();
                try {
                    port.submit(() -> {
                        driver.setListener(fresh, true);
                        started.complete(null);
                    });
                } catch (IOException e) {
                    throw new IllegalStateException("endpoint closed", e);
                }
                if (awaitListening) {
                    awaitStarted(started);
                }
                listener = fresh;
                l = fresh;
            }
            return l;
        } finally {
            listenLock.unlock();
        }
    }

    /** Bounded: a stopped I/O side never runs the command. */
    private void awaitStarted(CompletableFuture<Void> started) {
        try {
            while (true) {
                try {
                    started.get(LISTEN_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException e) {
                    if (port.isTerminated()) {
                        throw new IllegalStateException("endpoint closed");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting to listen", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Copies {@code datagram}'s remaining bytes (consuming them) and queues them to {@code target}
     * from the endpoint's socket.
     */
    void sendDatagram(SocketAddress target, ByteBuffer datagram) throws IOException {
        InetSocketAddress to = RemoteAddresses.check(target);
        Objects.requireNonNull(datagram, "datagram");
        RemoteAddresses.checkFamily(port.localAddress(), to);
        int max = to.getAddress() instanceof Inet6Address ? DatagramBatch.MAX_DATAGRAM_BYTES : MAX_UDP_PAYLOAD_V4_BYTES;
        if (datagram.remaining() > max) {
            throw new IllegalArgumentException("datagram of " + datagram.remaining() + " bytes: at most " + max
                    + " fit in one UDP datagram to " + to);
        }
        if (port.isTerminated()) {
            throw new IOException("endpoint closed");
        }
        byte[] copy = new byte[datagram.remaining()];
        datagram.get(copy);
        port.submit(() -> driver.sendDatagram(copy, to));
    }

    /** Engine and driver counters, read on the I/O side (diagnostics for tests and benches). */
    String countersSummary() {
        CompletableFuture<String> f = new CompletableFuture<>();
        try {
            port.submit(() -> f.complete(driver.countersSummary()));
            return f.get(COUNTERS_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "counters unavailable: interrupted";
        } catch (IOException | ExecutionException | TimeoutException e) {
            return "counters unavailable: " + e;
        }
    }
}
