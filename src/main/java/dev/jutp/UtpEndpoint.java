package dev.jutp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * One UDP socket carrying any number of uTP connections, served by one I/O thread.
 *
 * <p>Inside (quinn's split): a sans-IO driver owns the protocol engine and the streams' I/O side; an
 * I/O loop owns the thread, the socket and the clock; streams and the listener reach the endpoint
 * only through a narrow port. Application threads never touch the engine: they copy bytes into and
 * out of per-stream buffers and park on {@link java.util.concurrent.locks.Condition}s, so blocking
 * calls scale on virtual threads.
 */
public final class UtpEndpoint implements AutoCloseable {
    private final StreamPort port;
    private final EndpointDriver driver;
    private final EndpointRequests requests;
    private final String transportName;

    /** An endpoint over any port and its driver (the tests' virtual network builds these with "sim"). */
    UtpEndpoint(StreamPort port, EndpointDriver driver, String transportName, boolean realThread) {
        this.port = port;
        this.driver = driver;
        this.requests = new EndpointRequests(port, driver, realThread);
        this.transportName = transportName;
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
     * @throws IOException if the socket cannot be bound (address in use, not local), or
     *     {@link Transport#LINUX} was asked for and is not available
     */
    public static UtpEndpoint bind(InetSocketAddress local, UtpOptions options) throws IOException {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(options, "options");
        if (local.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + local);
        }
        IoLoop loop = IoLoop.start(local, options);
        return new UtpEndpoint(loop, loop.driver(), loop.transportName(), true);
    }

    /**
     * The bound address (with the port the kernel chose for port 0).
     *
     * @return the bound address
     */
    public InetSocketAddress localAddress() {
        return port.localAddress();
    }

    /**
     * The transport in use: {@code "nio"} or {@code "linux"} ({@link Transport#id()}).
     *
     * @return the transport's name
     */
    public String transportName() {
        return transportName;
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
        UtpStream s = requests.startConnect(remote);
        s.core().awaitConnected(timeout);
        return s;
    }

    /** Starts a connection without waiting for the handshake (the simulator steps time meanwhile). */
    UtpStream startConnect(SocketAddress remote) throws IOException {
        return requests.startConnect(remote);
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
        return requests.listen(this);
    }

    /**
     * Receives datagrams that are not uTP (DHT-style sharing of the port), on the I/O thread: the handler
     * must be quick and must not block (it may call {@link #sendDatagram} to answer). The buffer is a
     * fresh heap copy. {@code null} removes the handler. A handler that throws is logged and counted
     * ({@link #internalErrors()}); the endpoint keeps serving.
     *
     * @param handler called with each non-uTP datagram and its sender, or {@code null}
     */
    public void setDatagramHandler(BiConsumer<ByteBuffer, InetSocketAddress> handler) {
        driver.setDatagramHandler(handler);
    }

    /**
     * Sends one UDP datagram that is not uTP (a DHT message, say) from this endpoint's socket, so the
     * peer sees the same address and port as the endpoint's connections. The datagram's remaining
     * bytes are copied (its position moves to its limit) and queued behind the uTP datagrams already
     * waiting; the call does not block. As with UDP, delivery is not confirmed: a datagram the kernel
     * cannot take while the endpoint's queue is full is dropped and counted
     * ({@link #sendBufferFullDrops()}). Any thread, including the datagram handler's.
     *
     * @param target the destination ({@link InetSocketAddress}, resolved, with a port)
     * @param datagram the payload, 0 to 65,507 bytes (65,527 to an IPv6 address)
     * @throws IOException "endpoint closed" once the endpoint has stopped
     * @throws IllegalArgumentException when {@code target} is not a resolved {@link InetSocketAddress}
     *     with a port, its address family cannot be reached from this endpoint's, or the datagram is too
     *     large for UDP
     * @throws NullPointerException if an argument is null
     */
    public void sendDatagram(SocketAddress target, ByteBuffer datagram) throws IOException {
        requests.sendDatagram(target, datagram);
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

    /** Engine and transport counters, read on the I/O side (diagnostics for tests and benches). */
    String countersSummary() {
        return requests.countersSummary();
    }
}
