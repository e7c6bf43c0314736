package dev.jutp;

import dev.jutp.engine.Engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable options for {@link UtpEndpoint}, {@link UtpStream} and {@link UtpListener}. Every
 * {@code with...} method returns a copy.
 *
 * <ul>
 *   <li>{@code transport}: {@link Transport#NIO} (portable {@code DatagramChannel}),
 *       {@link Transport#LINUX} (recvmmsg/sendmmsg/GSO through FFM; needs {@code --enable-native-access})
 *       or {@link Transport#AUTO} (default: Linux when available, else NIO; the system property
 *       {@code jutp.transport} overrides {@code AUTO}).</li>
 *   <li>{@code socketBufferBytes}: SO_RCVBUF and SO_SNDBUF requested from the kernel (default 4 MiB,
 *       so a fast sender does not overflow a loopback receiver; 0 keeps the kernel's defaults). The
 *       advertised window never exceeds half the receive buffer the kernel granted.</li>
 *   <li>{@code receiveBufferBytes}: per-stream unread bytes the stream holds; it is the advertised
 *       receive window (default 1 MiB).</li>
 *   <li>{@code sendBufferBytes}: per-stream bytes written but not yet accepted by the protocol, and the
 *       protocol's own send buffer (default 1 MiB).</li>
 *   <li>{@code connectTimeout}: how long {@code connect} waits for the handshake (default 10 s);
 *       also bounds {@link UtpEndpoint#close()}'s wait for FIN acknowledgements (which also ends after 3 s
 *       without a datagram from any peer).</li>
 *   <li>{@code mtu}: largest UDP payload, 0 (default) = 1402 bytes over IPv4, 1232 over IPv6.</li>
 *   <li>{@code maxConnections}, {@code maxHalfOpen}: connections per endpoint (default 3000) and the SYN
 *       backlog of unconfirmed accepted connections (default 1000).</li>
 *   <li>{@code idleTimeout}: a stream whose peer is silent this long fails (default: never).</li>
 *   <li>{@code congestionControl}: libutp's classic LEDBAT (default) or LEDBAT++.</li>
 *   <li>{@code lossRecovery}: RACK-TLP (default) or libutp's retransmission rules.</li>
 *   <li>{@code linger}: how long {@code close()} waits for the peer's acknowledgements before it
 *       resets and reports the bytes not delivered (default 60 s).</li>
 * </ul>
 */
public final class UtpOptions {
    /** Requested SO_RCVBUF/SO_SNDBUF: 4 MiB, so a fast sender does not overflow a loopback receiver. */
    static final int DEFAULT_SOCKET_BUFFER_BYTES = 4 << 20;
    /** Per-stream receive and send buffers: the engine's (libutp's) default. */
    static final int DEFAULT_STREAM_BUFFER_BYTES = Engine.DEFAULT_BUFFER_BYTES;
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_LINGER = Duration.ofSeconds(60);
    /** Smallest UDP payload accepted for {@link #withMtu}: a header, its extensions and some data. */
    static final int MIN_MTU_BYTES = 150;
    /** Largest UDP payload accepted for {@link #withMtu}: below UDP's own limit, with room for headers. */
    static final int MAX_MTU_BYTES = 65_000;

    private static final UtpOptions DEFAULTS = new UtpOptions(Transport.AUTO, DEFAULT_SOCKET_BUFFER_BYTES,
            DEFAULT_STREAM_BUFFER_BYTES, DEFAULT_STREAM_BUFFER_BYTES, DEFAULT_CONNECT_TIMEOUT, 0, Engine.DEFAULT_MAX_CONNECTIONS,
            Engine.DEFAULT_MAX_HALF_OPEN, Duration.ZERO, CongestionControl.LEDBAT, LossRecovery.RACK_TLP, DEFAULT_LINGER);

    private final Transport transport;
    private final int socketBufferBytes;
    private final int receiveBufferBytes;
    private final int sendBufferBytes;
    private final Duration connectTimeout;
    private final int mtu;
    private final int maxConnections;
    private final int maxHalfOpen;
    private final Duration idleTimeout;
    private final CongestionControl congestionControl;
    private final LossRecovery lossRecovery;
    private final Duration linger;

    private UtpOptions(Transport transport, int socketBufferBytes, int receiveBufferBytes, int sendBufferBytes,
                       Duration connectTimeout, int mtu, int maxConnections, int maxHalfOpen, Duration idleTimeout,
                       CongestionControl congestionControl, LossRecovery lossRecovery, Duration linger) {
        this.transport = transport;
        this.socketBufferBytes = socketBufferBytes;
        this.receiveBufferBytes = receiveBufferBytes;
        this.sendBufferBytes = sendBufferBytes;
        this.connectTimeout = connectTimeout;
        this.mtu = mtu;
        this.maxConnections = maxConnections;
        this.maxHalfOpen = maxHalfOpen;
        this.idleTimeout = idleTimeout;
        this.congestionControl = congestionControl;
        this.lossRecovery = lossRecovery;
        this.linger = linger;
    }

    /**
     * The default options (listed in the class description); start every configuration from here.
     *
     * @return the shared default instance
     */
    public static UtpOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The UDP transport of the endpoint ({@link Transport#AUTO} by default).
     *
     * @param transport the transport
     * @return a copy with this transport
     * @throws NullPointerException if {@code transport} is null
     */
    public UtpOptions withTransport(Transport transport) {
        Objects.requireNonNull(transport, "transport");
        return new UtpOptions(transport, socketBufferBytes, receiveBufferBytes, sendBufferBytes, connectTimeout, mtu, maxConnections, maxHalfOpen, idleTimeout, congestionControl, lossRecovery, linger);
    }

    /**
     * Requested SO_RCVBUF/SO_SNDBUF in bytes; 0 keeps the kernel's defaults. The kernel may grant less.
     *
     * @param bytes the buffer size in bytes, 0 or more
     * @return a copy with this socket buffer size
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public UtpOptions withSocketBufferBytes(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("socketBufferBytes must not be negative: " + bytes);
        }
        return new UtpOptions(transport, bytes, receiveBufferBytes, sendBufferBytes, connectTimeout, mtu, maxConnections, maxHalfOpen, idleTimeout, congestionControl, lossRecovery, linger);
    }

    /**
     * Unread bytes a stream holds per connection; this is the receive window it advertises.
     *
     * @param bytes the buffer size in bytes, positive
     * @return a copy with this receive buffer size
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public UtpOptions withReceiveBufferBytes(int bytes) {
        positive(bytes, "receiveBufferBytes");
        return new UtpOptions(transport, socketBufferBytes, bytes, sendBufferBytes, connectTimeout, mtu, maxConnections, maxHalfOpen, idleTimeout, congestionControl, lossRecovery, linger);
    }

    /**
     * Bytes a stream accepts from {@code write} per connection before the protocol has sent and had
     * them acknowledged; a writer blocks while it is full.
     *
     * @param bytes the buffer size in bytes, positive
     * @return a copy with this send buffer size
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public UtpOptions withSendBufferBytes(int bytes) {
        positive(bytes, "sendBufferBytes");
        return new UtpOptions(transport, socketBufferBytes, receiveBufferBytes, bytes, connectTimeout, mtu, maxConnections, maxHalfOpen, idleTimeout, congestionControl, lossRecovery, linger);
    }

    /**
     * How long {@code connect} waits for the handshake; also bounds {@link UtpEndpoint#close()}'s wait
     * for FIN acknowledgements.
     *
     * @param timeout positive; {@code Duration.ZERO} is refused (use a long duration to wait long)
     * @return a copy with this connect timeout
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     * @throws NullPointerException if {@code timeout} is null
     */
    public UtpOptions withConnectTimeout(Duration timeout) {
        return new UtpOptions(transport, socketBufferBytes, receiveBufferBytes, sendBufferBytes,
                checkTimeout(timeout, "connectTimeout"), mtu, maxConnections, maxHalfOpen, idleTimeout, congestionControl, lossRecovery, linger);
    }

    /**
     * Largest UDP payload in bytes ({@value #MIN_MTU_BYTES}..{@value #MAX_MTU_BYTES}), or 0 for the per-family
     * default (1402 over IPv4, 1232 over IPv6).
     *
     * @param udpPayloadBytes the payload size in bytes, or 0
     * @return a copy with this MTU
     * @throws IllegalArgumentException if {@code udpPayloadBytes} is neither 0 nor in range
     */
    public UtpOptions withMtu(int udpPayloadBytes) {
        if (udpPayloadBytes != 0 && (udpPayloadBytes < MIN_MTU_BYTES || udpPayloadBytes > MAX_MTU_BYTES)) {
            throw new IllegalArgumentException("mtu must be 0 or in " + MIN_MTU_BYTES + ".." + MAX_MTU_BYTES + ": " + udpPayloadBytes);
        }
        return new UtpOptions(transport, socketBufferBytes, receiveBufferBytes, sendBufferBytes, connectTimeout,
                udpPayloadBytes, maxConnections, maxHalfOpen, idleTimeout, congestionControl, lossRecovery, linger);
    }

    /**
     * Connections an endpoint holds at once (default 3000, as libutp); at the cap a new SYN is
     * answered with a reset, so the newcomer's connect fails at once and no accepted connection is
     * pushed out.
     *
     * @param count the cap, positive
     * @return a copy with this cap
     * @throws IllegalArgumentException if {@code count} is not positive
     */
    public UtpOptions withMaxConnections(int count) {
        positive(count, "maxConnections");
        return new UtpOptions(transport, socketBufferBytes, receiveBufferBytes, sendBufferBytes, connectTimeout, mtu,
                count, maxHalfOpen, idleTimeout, congestionControl, lossRecovery, linger);
    }

    /**
     * SYN backlog: accepted connections not yet confirmed by their peer (default 1000); when it is
     * full, the oldest unconfirmed one is pushed out.
     *
     * @param count the backlog, positive
     * @return a copy with this backlog
     * @throws IllegalArgumentException if {@code count} is not positive
     */
    public UtpOptions withMaxHalfOpen(int count) {
        positive(count, "maxHalfOpen");
        return new UtpOptions(transport, socketBufferBytes, receiveBufferBytes, sendBufferBytes, connectTimeout, mtu,
                maxConnections, count, idleTimeout, congestionControl, lossRecovery, linger);
    }

    /**
     * A stream whose peer sends nothing for this long fails (reads and writes throw): the peer
     * vanished without a FIN or RST. {@code Duration.ZERO} (the default) never gives up, as
     * libutp. A live idle peer sends a keep-alive every 29 s, so use a minute or more.
     *
     * @param timeout zero (off) or positive, at most about 24 days
     * @return a copy with this idle timeout
     * @throws IllegalArgumentException if {@code timeout} is negative or too long
     * @throws NullPointerException if {@code timeout} is null
     */
    public UtpOptions withIdleTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "idleTimeout");
        if (timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("idleTimeout must be zero (off) or positive, at most ~24 days: " + timeout);
        }
        return new UtpOptions(transport, socketBufferBytes, receiveBufferBytes, sendBufferBytes, connectTimeout, mtu,
                maxConnections, maxHalfOpen, timeout, congestionControl, lossRecovery, linger);
    }

    /**
     * The congestion controller of the endpoint's streams: {@link CongestionControl#LEDBAT}
     * (libutp's, the default) or {@link CongestionControl#LEDBAT_PLUS_PLUS} (yields to TCP far
     * better, but on lossy paths it is slower and can give up; see the README's congestion control).
     *
     * @param controller the controller
     * @return a copy with this controller
     * @throws NullPointerException if {@code controller} is null
     */
    public UtpOptions withCongestionControl(CongestionControl controller) {
        Objects.requireNonNull(controller, "congestionControl");
        return new UtpOptions(transport, socketBufferBytes, receiveBufferBytes, sendBufferBytes, connectTimeout, mtu,
                maxConnections, maxHalfOpen, idleTimeout, controller, lossRecovery, linger);
    }

    /**
     * The congestion controller ({@link #withCongestionControl}).
     *
     * @return the controller
     */
    public CongestionControl congestionControl() {
        return congestionControl;
    }

    /**
     * {@link LossRecovery#RACK_TLP} (default): a lost retransmission is found from SACK without a
     * timeout, and tail-loss probes from about two smoothed RTTs replace most 1 s RTO waits;
     * {@link LossRecovery#LIBUTP}: libutp's exact retransmission rules.
     *
     * @param mode the loss recovery
     * @return a copy with this loss recovery
     * @throws NullPointerException if {@code mode} is null
     */
    public UtpOptions withLossRecovery(LossRecovery mode) {
        Objects.requireNonNull(mode, "lossRecovery");
        return new UtpOptions(transport, socketBufferBytes, receiveBufferBytes, sendBufferBytes, connectTimeout, mtu,
                maxConnections, maxHalfOpen, idleTimeout, congestionControl, mode, linger);
    }

    /**
     * The loss recovery ({@link #withLossRecovery}).
     *
     * @return the loss recovery
     */
    public LossRecovery lossRecovery() {
        return lossRecovery;
    }

    /**
     * How long {@link UtpStream#close()} (and {@link UtpEndpoint#close()}) waits for the peer to
     * acknowledge the bytes written before resetting the connection and reporting, in the exception
     * {@code close()} throws, how many were not delivered (default 60 s). Like {@code SO_LINGER}, but
     * never silent: {@code Duration.ZERO} resets at once and still reports unacknowledged bytes. A
     * stream can override it ({@link UtpStream#setLinger}).
     *
     * @param linger zero or positive
     * @return a copy with this linger
     * @throws IllegalArgumentException if {@code linger} is negative
     * @throws NullPointerException if {@code linger} is null
     */
    public UtpOptions withLinger(Duration linger) {
        return new UtpOptions(transport, socketBufferBytes, receiveBufferBytes, sendBufferBytes, connectTimeout, mtu,
                maxConnections, maxHalfOpen, idleTimeout, congestionControl, lossRecovery, checkLinger(linger));
    }

    /**
     * The linger ({@link #withLinger}).
     *
     * @return the linger
     */
    public Duration linger() {
        return linger;
    }

    static Duration checkLinger(Duration linger) {
        Objects.requireNonNull(linger, "linger");
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative: " + linger);
        }
        return linger;
    }

    /**
     * The idle timeout ({@link #withIdleTimeout}).
     *
     * @return the idle timeout; {@code Duration.ZERO} means never
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * The connection cap ({@link #withMaxConnections}).
     *
     * @return connections per endpoint
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * The SYN backlog ({@link #withMaxHalfOpen}).
     *
     * @return unconfirmed accepted connections held at most
     */
    public int maxHalfOpen() {
        return maxHalfOpen;
    }

    /**
     * The transport ({@link #withTransport}).
     *
     * @return the transport
     */
    public Transport transport() {
        return transport;
    }

    /**
     * The requested socket buffer size ({@link #withSocketBufferBytes}).
     *
     * @return bytes, or 0 for the kernel's defaults
     */
    public int socketBufferBytes() {
        return socketBufferBytes;
    }

    /**
     * The per-stream receive buffer ({@link #withReceiveBufferBytes}).
     *
     * @return bytes
     */
    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    /**
     * The per-stream send buffer ({@link #withSendBufferBytes}).
     *
     * @return bytes
     */
    public int sendBufferBytes() {
        return sendBufferBytes;
    }

    /**
     * The connect timeout ({@link #withConnectTimeout}).
     *
     * @return the timeout, positive
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * The largest UDP payload ({@link #withMtu}).
     *
     * @return bytes, or 0 for the per-family default
     */
    public int mtu() {
        return mtu;
    }

    static Duration checkTimeout(Duration timeout, String what) {
        Objects.requireNonNull(timeout, what);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + timeout);
        }
        return timeout;
    }

    private static void positive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
    }

    @Override
    public String toString() {
        return "UtpOptions[transport=" + transport + ", socketBufferBytes=" + socketBufferBytes
                + ", receiveBufferBytes=" + receiveBufferBytes + ", sendBufferBytes=" + sendBufferBytes
                + ", connectTimeout=" + connectTimeout + ", mtu=" + mtu + ", maxConnections=" + maxConnections
                + ", maxHalfOpen=" + maxHalfOpen + ", idleTimeout=" + idleTimeout
                + ", congestionControl=" + congestionControl + ", lossRecovery=" + lossRecovery + ", linger=" + linger + "]";
    }
}
