package dev.jutp;

import dev.jutp.net.LinuxTransport;
import dev.jutp.net.NioTransport;
import dev.jutp.net.Transport;
import dev.jutp.net.TransportOptions;
import dev.jutp.net.Transports;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * One UDP socket carrying any number of uTP connections, served by one I/O thread.
 *
 * <p>Inside, three rooms (quinn's split): a sans-IO driver owns the protocol engine and the streams'
 * I/O side, given the time and the datagrams; an I/O loop owns the thread, the socket and the clock,
 * and sleeps until the driver's next deadline; streams and the listener reach the endpoint only
 * through a narrow port (submit work, close). Application threads never touch the engine: they copy
 * bytes into and out of per-stream buffers and park on {@link java.util.concurrent.locks.Condition}s,
 * so blocking calls scale on virtual threads.
 */
public final class UtpEndpoint implements AutoCloseable {
    private final StreamPort port;
    private final EndpointDriver driver;
    /** The real I/O loop; null on a test's virtual network. */
    private final IoLoop loop;
    private final ReentrantLock listenLock = new ReentrantLock();
    private volatile UtpListener listener;

    private UtpEndpoint(IoLoop loop) {
        this(loop, loop.driver(), loop);
    }

    /** An endpoint over any port and its driver (the tests' virtual network builds these). */
    UtpEndpoint(StreamPort port, EndpointDriver driver, IoLoop loop) {
        this.port = port;
        this.driver = driver;
        this.loop = loop;
    }

    private static Transport openTransport(InetSocketAddress local, String kind, TransportOptions to) throws IOException {
        return switch (kind) {
            case "nio" -> NioTransport.open(local, to);
            case "linux" -> {
                if (!Transports.linuxSupported()) {
                    throw new IOException("transport linux needs Linux on x86-64 or aarch64, not "
                            + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
                }
                yield LinuxTransport.open(local, to);
            }
            default -> Transports.open(local, to);
        };
    }

    /**
     * Binds a UDP socket at {@code local} (port 0 = ephemeral) with default options and starts its
     * I/O thread.
     *
     * @param local the address to bind
     * @return the running endpoint; close it to release the socket and the thread
     * @throws IOException if the socket cannot be bound (address in use, not local)
     */
    public static UtpEndpoint bind(InetSocketAddress local) throws IOException {
        return bind(local, UtpOptions.defaults());
    }

    /**
     * Binds a UDP socket at {@code local} (port 0 = ephemeral) and starts its I/O thread.
     *
     * @param local the address to bind
     * @param options the endpoint's options, also the defaults of its streams
     * @return the running endpoint; close it to release the socket and the thread
     * @throws IOException if the socket cannot be bound (address in use, not local), or the
     *     {@code "linux"} transport was asked for and is not available
     */
    public static UtpEndpoint bind(InetSocketAddress local, UtpOptions options) throws IOException {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(options, "options");
        if (local.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + local);
        }
        TransportOptions to = TransportOptions.defaults()
                .withReceiveBufferBytes(options.socketBufferBytes())
                .withSendBufferBytes(options.socketBufferBytes());
        Transport transport = openTransport(local, options.transport(), to);
        IoLoop loop;
        try {
            loop = new IoLoop(transport, options);
        } catch (RuntimeException | Error e) {
            transport.close();
            throw e;
        }
        loop.start();
        return new UtpEndpoint(loop);
    }

    /**
     * The bound address (with the port the kernel chose for port 0).
     *
     * @return the bound address (with the port the kernel chose for port 0)
     */
    public InetSocketAddress localAddress() {
        return port.localAddress();
    }

    /**
     * "nio" or "linux" ("sim" on a test's virtual network).
     *
     * @return the transport in use
     */
    public String transportName() {
        return loop != null ? loop.transportName() : "sim";
    }

    /**
     * Outgoing datagrams dropped so far because the kernel's send buffer stayed full (EAGAIN, or ENOBUFS
     * on Linux) while the endpoint's own queue of 256 refused datagrams was full too: uTP retransmits
     * them, so a growing count costs throughput, not data. Any thread; a snapshot.
     *
     * @return datagrams dropped, since the endpoint started
     */
    public long sendBufferFullDrops() {
        return driver.sendBufferFullDrops();
    }

    /**
     * Times the kernel refused a send because its send buffer was full (a slow uplink, a shaping
     * qdisc). Refused datagrams are not dropped: they wait and go out as the buffer drains, in order
     * (libtorrent #3542: dropping them reads as loss and halves the window). Any thread; a snapshot.
     *
     * @return refused sends, since the endpoint started
     */
    public long sendBufferStalls() {
        return driver.sendBufferStalls();
    }

    /**
     * Commands that failed on the I/O thread (each logged through System.Logger, its stream failed).
     *
     * @return failed commands and handler exceptions, since the endpoint started
     */
    public long internalErrors() {
        return driver.commandFailures() + driver.handlerFailures();
    }

    UtpOptions options() {
        return port.options();
    }

    IoLoop loop() {
        return loop;
    }

    /** Engine and transport counters, read on the I/O side (diagnostics for tests and benches). */
    String countersSummary() throws IOException {
        CompletableFuture<String> f = new CompletableFuture<>();
        port.submit(() -> f.complete(driver.countersSummary()));
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "counters unavailable: " + e;
        }
    }

    /**
     * Opens a connection and waits for the handshake at most the endpoint's
     * {@link UtpOptions#connectTimeout()}; fails as {@link #connect(SocketAddress, Duration)} does.
     *
     * @param remote the peer's address ({@link InetSocketAddress})
     * @return the connected stream
     * @throws IOException if the connection is refused, times out or cannot be opened
     */
    public UtpStream connect(SocketAddress remote) throws IOException {
        return connect(remote, port.options().connectTimeout());
    }

    /**
     * Opens a connection and waits for the handshake.
     *
     * @param remote the peer's address ({@link InetSocketAddress})
     * @param timeout the longest wait for the handshake, positive
     * @return the connected stream
     * @throws java.net.ConnectException "connection refused" (an RST or ICMP port unreachable answered the SYN)
     * @throws java.net.SocketTimeoutException "connect timed out" (no answer within {@code timeout}, or the
     *     protocol gave up retransmitting the SYN)
     * @throws java.net.SocketException when the endpoint already holds {@link UtpOptions#maxConnections()}
     * @throws IOException any other failure before the connection is up (the endpoint closed, an interrupt)
     * @throws IllegalArgumentException when {@code remote} is not a resolved {@link InetSocketAddress} with a
     *     port, its address family cannot be reached from this endpoint's (an IPv4 socket and an IPv6
     *     address, or the reverse), or {@code timeout} is not positive
     */
    public UtpStream connect(SocketAddress remote, Duration timeout) throws IOException {
        UtpOptions.checkTimeout(timeout, "timeout");
        UtpStream s = startConnect(remote);
        s.core().awaitConnected(timeout);
        return s;
    }

    /** Starts a connection without waiting for the handshake (the simulator steps time meanwhile). */
    UtpStream startConnect(SocketAddress remote) throws IOException {
        InetSocketAddress to = checkRemote(remote);
        checkFamily(port.localAddress(), to);
        StreamCore core = new StreamCore(port);
        UtpStream s = new UtpStream(core);
        port.submit(new StreamCore.Command(core, () -> driver.startConnect(core, to)));
        return s;
    }

    static InetSocketAddress checkRemote(SocketAddress remote) {
        Objects.requireNonNull(remote, "remote");
        if (!(remote instanceof InetSocketAddress to)) {
            throw new IllegalArgumentException("not an InetSocketAddress: " + remote.getClass().getName());
        }
        if (to.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + to);
        }
        if (to.getPort() == 0) {
            throw new IllegalArgumentException("port 0: " + to);
        }
        return to;
    }

    /**
     * An IPv4 socket cannot send to IPv6, and an IPv6 socket bound to a specific address cannot send
     * to IPv4 (only the wildcard {@code ::} is dual-stack): fail at once instead of timing out.
     */
    static void checkFamily(InetSocketAddress local, InetSocketAddress to) {
        InetAddress l = local.getAddress();
        InetAddress r = to.getAddress();
        boolean mismatch = (l instanceof Inet4Address && r instanceof Inet6Address)
                || (l instanceof Inet6Address && r instanceof Inet4Address && !l.isAnyLocalAddress());
        if (mismatch) {
            throw new IllegalArgumentException("address family mismatch: the endpoint is bound to " + family(l)
                    + " address " + l.getHostAddress() + " and cannot reach " + family(r) + " address "
                    + r.getHostAddress());
        }
    }

    private static String family(InetAddress a) {
        return a instanceof Inet6Address ? "IPv6" : "IPv4";
    }

    /**
     * Starts accepting connections on this endpoint; the same listener is returned until it is closed.
     * Returns once the I/O thread accepts SYNs, so a peer told to connect right after this call is
     * not ignored (it would lose its first SYN and wait 3 s for the retransmission).
     *
     * @return the listener
     * @throws IllegalStateException if the endpoint is closed
     */
    public UtpListener listen() {
        return listen(false);
    }

    UtpListener listen(boolean ownsEndpoint) {
        listenLock.lock();
        try {
            if (port.isTerminated() || driver.isCloseRequested()) {
                throw new IllegalStateException("endpoint closed");
            }
            UtpListener l = listener;
            if (l == null || l.isClosed()) {
                l = new UtpListener(this, port, ownsEndpoint, EndpointDriver.ACCEPT_BACKLOG);
                listener = l;
                UtpListener accepting = l;
                CompletableFuture<Void> started = new CompletableFuture<>();
                try {
                    port.submit(() -> {
                        driver.setListener(accepting, true);
                        started.complete(null);
                    });
                } catch (IOException e) {
                    throw new IllegalStateException("endpoint closed", e);
                }
                if (loop != null) {
                    awaitStarted(started);
                }
            }
            return l;
        } finally {
            listenLock.unlock();
        }
    }

    /** Bounded: a stopped I/O thread never runs the command. */
    private void awaitStarted(CompletableFuture<Void> started) {
        try {
            while (true) {
                try {
                    started.get(100, TimeUnit.MILLISECONDS);
                    return;
                } catch (java.util.concurrent.TimeoutException e) {
                    if (port.isTerminated()) {
                        throw new IllegalStateException("endpoint closed");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting to listen", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    void stopListening(UtpListener l) {
        try {
            port.submit(() -> driver.setListener(l, false));
        } catch (IOException ignored) {
            // endpoint already stopped: nothing accepts anyway
        }
    }

    /**
     * Receives datagrams that are not uTP (DHT-style sharing of the port), on the I/O thread: the handler
     * must be quick and must not block. The buffer is a fresh heap copy. {@code null} removes the handler.
     * A handler that throws is logged and counted ({@link #internalErrors()}); the endpoint keeps serving.
     *
     * @param handler called with each non-uTP datagram and its sender, or {@code null}
     */
    public void setDatagramHandler(BiConsumer<ByteBuffer, InetSocketAddress> handler) {
        driver.setDatagramHandler(handler);
    }

    /**
     * Closes every connection as {@link UtpStream#close()} does (FIN after the data written, each
     * stream's linger), resets those whose peers stay silent for 3 s or whose linger passes, then stops
     * the I/O thread and releases the socket. Idempotent. From an interrupted thread it returns at once
     * and the close goes on in the background (the interrupt flag stays set).
     */
    @Override
    public void close() {
        port.closeEndpoint(true);
    }

    boolean isTerminated() {
        return port.isTerminated();
    }
}
