package dev.jutp;

import dev.jutp.engine.Connection;
import dev.jutp.engine.Engine;
import dev.jutp.engine.EngineEvents;
import dev.jutp.engine.EngineHost;
import dev.jutp.engine.cc.CongestionController;
import dev.jutp.net.DatagramBatch;
import dev.jutp.net.IcmpErrorHandler;
import dev.jutp.net.LinuxTransport;
import dev.jutp.net.NioTransport;
import dev.jutp.net.OutgoingBatch;
import dev.jutp.net.Transport;
import dev.jutp.net.TransportOptions;
import dev.jutp.net.Transports;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One UDP socket carrying any number of uTP connections, served by one I/O thread that owns the
 * protocol engine and the transport.
 *
 * <p>The I/O loop: drain one receive batch into the engine, issue deferred acks once per batch, run
 * queued user commands (a bounded queue; producers call {@code transport.wakeup()}), run the engine's
 * timers, flush the outgoing batch, then sleep in {@code awaitReadable} until the engine's next timer
 * deadline. Application threads never touch the engine: they copy bytes into and out of per-stream
 * buffers and park on {@link java.util.concurrent.locks.Condition}s, so blocking calls scale on
 * virtual threads.
 *
 * <p>The engine's timer tick is set to {@value #TICK_MILLIS} ms instead of libutp's 500 ms: retransmission
 * timeouts, keep-alives and the freeing of closed connections are only examined at ticks, so a coarse
 * tick adds up to a tick of latency to loss recovery and to {@link #close()}. An idle endpoint with no
 * connections sleeps up to {@value #IDLE_WAIT_MILLIS} ms between passes instead.
 */
public final class UtpEndpoint implements AutoCloseable {
    static final long TICK_MILLIS = 50;
    static final long IDLE_WAIT_MILLIS = 1000;
    /**
     * A closing endpoint stops waiting for FIN acknowledgements once nothing has arrived for this long:
     * three minimum RTOs, so a live peer's answer to one retransmitted FIN still counts, while a peer
     * that is gone (which the portable transport, blind to ICMP, cannot tell) costs 3 s, not the
     * whole connect timeout.
     */
    static final long CLOSE_SILENCE_MILLIS = 3000;
    /**
     * Deferred acks wait for this many received datagrams or {@link #ACK_DELAY_NANOS}, whichever comes
     * first. A transport without batching (NIO) drains the socket faster than a sender fills it and
     * would otherwise ack every two or three datagrams, each ack a syscall on both ends.
     */
    static final int ACK_EVERY_DATAGRAMS = 16;
    static final long ACK_DELAY_NANOS = 1_000_000;
    static final int RECEIVE_BATCH = 64;
    static final int RECEIVE_SLOT_BYTES = 65_536;
    static final int OUTGOING_BATCH = 256;
    /** A refused send is retried this soon (no portable writability wake-up on both transports). */
    static final long SEND_RETRY_NANOS = 250_000;
    static final int COMMAND_QUEUE = 1 << 16;
    static final int ACCEPT_BACKLOG = 4096;
    static final int MTU_V4 = 1402;
    static final int MTU_V6 = 1232;

    private final UtpOptions options;
    private final Transport transport;
    private final Engine engine;
    private final Arena arena = Arena.ofShared();
    private final DatagramBatch inbound;
    /** Stream receive-buffer bytes never offered as window, so the window fits the kernel buffer. */
    private final int hiddenReceiveBuffer;
    private final OutgoingBatch outbound = new OutgoingBatch(OUTGOING_BATCH);
    private final MemorySegment staging;
    private final int stagingSlotBytes;
    /** Staging slot of the next datagram: a ring, a slot is free once its datagram left the batch. */
    private int nextStagingSlot;
    /** The kernel refused the batch's head: the rest waits in the batch and is retried shortly. */
    private boolean sendStalled;
    private final ArrayBlockingQueue<Runnable> commands = new ArrayBlockingQueue<>(COMMAND_QUEUE);
    /** Every stream not yet destroyed, including ones still connecting (for the final sweep). */
    final Set<UtpStream> streams = ConcurrentHashMap.newKeySet();
    private final Thread ioThread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final InetSocketAddress localAddress;
    private final long startNanos = System.nanoTime();
    private final SecureRandom random = new SecureRandom();
    private final IcmpErrorHandler icmpHandler = this::onIcmpError;

    private volatile BiConsumer<ByteBuffer, InetSocketAddress> datagramHandler;
    private volatile boolean terminated;
    private volatile UtpListener listener;
    private final java.util.concurrent.locks.ReentrantLock listenLock = new java.util.concurrent.locks.ReentrantLock();
    /** Owned by the I/O thread. */
    private boolean closing;
    private long closeDeadlineMillis;
    private long closeLastHeardMillis;
    private volatile boolean closeRequested;
    private long droppedDatagrams;
    /** Written by the I/O thread only, when the kernel refuses a send (rare): volatile for readers elsewhere. */
    private volatile long sendBufferFullDrops;
    private volatile long sendBufferStalls;
    /** Datagrams received since deferred acks were last issued, and when they are due at the latest. */
    private int unackedDatagrams;
    private long ackDueNanos;

    private UtpEndpoint(InetSocketAddress local, UtpOptions options) throws IOException {
        this.options = options;
        TransportOptions to = TransportOptions.defaults()
                .withReceiveBufferBytes(options.socketBufferBytes())
                .withSendBufferBytes(options.socketBufferBytes());
        this.transport = openTransport(local, options.transport(), to);
        try {
            this.engine = new Engine(new Host());
            engine.setTickMillis(TICK_MILLIS);
            engine.setReceiveBuffer(options.receiveBufferBytes());
            this.hiddenReceiveBuffer = options.receiveBufferBytes()
                    - advertisedWindowCap(options.receiveBufferBytes(), transport.receiveBufferBytes());
            engine.setSendBuffer(options.sendBufferBytes());
            engine.setMaxConnections(options.maxConnections());
            engine.setMaxHalfOpen(options.maxHalfOpen());
            engine.setIdleTimeoutMillis((int) options.idleTimeout().toMillis());
            engine.setCongestionControl(options.congestionControl() == CongestionControl.LEDBAT
                    ? CongestionController.LEDBAT : CongestionController.LEDBAT_PLUS_PLUS);
            engine.setLossRecovery(options.lossRecovery() == LossRecovery.LIBUTP
                    ? Engine.LOSS_RECOVERY_LIBUTP : Engine.LOSS_RECOVERY_RACK_TLP);
            this.inbound = new DatagramBatch(arena, RECEIVE_BATCH, RECEIVE_SLOT_BYTES);
            this.stagingSlotBytes = (engine.slab().slotSize() + 7) & ~7;
            this.staging = arena.allocate((long) stagingSlotBytes * OUTGOING_BATCH, 64);
            this.localAddress = transport.localAddress();
        } catch (RuntimeException | Error e) {
            transport.close();
            arena.close();
            throw e;
        }
        this.ioThread = Thread.ofPlatform().daemon().name("jutp-io-" + localAddress.getPort()).unstarted(this::run);
        ioThread.start();
    }

    /**
     * The largest window advertised: the stream's free buffer, but at most half the kernel's receive
     * buffer (unread stream bytes are no longer in the kernel, so they do not count against it). The
     * kernel charges about 2.3 KiB per 1.4 KB datagram, so a window of half the buffer still fits when
     * the I/O thread is late to drain it; a larger window lets a sender's burst overflow the socket
     * (with the 208 KiB default, tail drops met the RTO and throughput fell to 5 MB/s).
     */
    static int advertisedWindowCap(int streamReceiveBuffer, int kernelReceiveBuffer) {
        return kernelReceiveBuffer > 0 ? Math.min(streamReceiveBuffer, kernelReceiveBuffer / 2) : streamReceiveBuffer;
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

    /** Binds a UDP socket at {@code local} (port 0 = ephemeral) with default options. */
    public static UtpEndpoint bind(InetSocketAddress local) throws IOException {
        return bind(local, UtpOptions.defaults());
    }

    public static UtpEndpoint bind(InetSocketAddress local, UtpOptions options) throws IOException {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(options, "options");
        if (local.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + local);
        }
        return new UtpEndpoint(local, options);
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** "nio" or "linux". */
    public String transportName() {
        return transport.name();
    }

    /**
     * Outgoing datagrams dropped so far because the kernel's send buffer stayed full (EAGAIN, or ENOBUFS
     * on Linux) while the endpoint's own queue of 256 refused datagrams was full too: uTP retransmits
     * them, so a growing count costs throughput, not data. Any thread; a snapshot.
     */
    public long sendBufferFullDrops() {
        return sendBufferFullDrops;
    }

    /**
     * Times the kernel refused a send because its send buffer was full (a slow uplink, a shaping
     * qdisc). Refused datagrams are not dropped: they wait and go out as the buffer drains, in order
     * (libtorrent #3542: dropping them reads as loss and halves the window). Any thread; a snapshot.
     */
    public long sendBufferStalls() {
        return sendBufferStalls;
    }

    UtpOptions options() {
        return options;
    }

    /** The engine; only the I/O thread may use it. */
    Engine engine() {
        return engine;
    }

    /** Engine and transport drop counters, read on the I/O thread (diagnostics for tests and benches). */
    String countersSummary() throws IOException {
        java.util.concurrent.CompletableFuture<String> f = new java.util.concurrent.CompletableFuture<>();
        submit(() -> {
            dev.jutp.engine.ContextStats st = engine.stats();
            f.complete("connections=" + engine.connectionCount() + " halfOpen=" + engine.halfOpenCount()
                    + " synsAccepted=" + st.synsAccepted + " synsIgnored=" + st.synsIgnored
                    + " synAckResent=" + st.synAckResent + " halfOpenEvicted=" + st.halfOpenEvicted + " timeoutsDeferred=" + st.timeoutsDeferred
                    + " unknownConnection=" + st.unknownConnection + " resetsSent=" + st.resetsSent
                    + " resetsIgnored=" + st.resetsIgnored + " stagedDropped=" + droppedDatagrams
                    + " sendWouldBlock=" + transport.counters().sendWouldBlock());
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "counters unavailable: " + e;
        }
    }

    boolean isIoThread() {
        return Thread.currentThread() == ioThread;
    }

    /** Connects with the endpoint's configured connect timeout. */
    public UtpStream connect(SocketAddress remote) throws IOException {
        return connect(remote, options.connectTimeout());
    }

    /**
     * Opens a connection and waits for the handshake.
     *
     * @throws java.net.ConnectException "connection refused" (an RST or ICMP port unreachable answered the SYN)
     * @throws java.net.SocketTimeoutException "connect timed out" (no answer within {@code timeout}, or the
     *     protocol gave up retransmitting the SYN)
     */
    public UtpStream connect(SocketAddress remote, Duration timeout) throws IOException {
        InetSocketAddress to = checkRemote(remote);
        UtpOptions.checkTimeout(timeout, "timeout");
        UtpStream s = new UtpStream(this, false);
        streams.add(s);
        submit(() -> s.startConnect(to));
        s.awaitConnected(timeout);
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
     * Starts accepting connections on this endpoint; the same listener is returned until it is closed.
     * Returns once the I/O thread accepts SYNs, so a peer told to connect right after this call is
     * not ignored (it would lose its first SYN and wait 3 s for the retransmission).
     *
     * @throws IllegalStateException if the endpoint is closed
     */
    public UtpListener listen() {
        return listen(false);
    }

    UtpListener listen(boolean ownsEndpoint) {
        listenLock.lock();
        try {
            if (terminated || closeRequested) {
                throw new IllegalStateException("endpoint closed");
            }
            UtpListener l = listener;
            if (l == null || l.isClosed()) {
                l = new UtpListener(this, ownsEndpoint, ACCEPT_BACKLOG);
                listener = l;
                java.util.concurrent.CountDownLatch accepting = new java.util.concurrent.CountDownLatch(1);
                try {
                    submit(() -> {
                        engine.setAcceptsConnections(true);
                        accepting.countDown();
                    });
                    // Bounded: a stopped I/O thread never runs the command.
                    while (!accepting.await(100, TimeUnit.MILLISECONDS)) {
                        if (terminated) {
                            throw new IllegalStateException("endpoint closed");
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("endpoint closed", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting to listen", e);
                }
            }
            return l;
        } finally {
            listenLock.unlock();
        }
    }

    void stopListening(UtpListener l) {
        if (listener == l) {
            try {
                submit(() -> {
                    if (listener == l) {
                        engine.setAcceptsConnections(false);
                    }
                });
            } catch (IOException ignored) {
                // endpoint already stopped: nothing accepts anyway
            }
        }
    }

    /**
     * Receives datagrams that are not uTP (DHT-style sharing of the port), on the I/O thread: the handler
     * must be quick and must not block. The buffer is a fresh heap copy. {@code null} removes the handler.
     */
    public void setDatagramHandler(BiConsumer<ByteBuffer, InetSocketAddress> handler) {
        this.datagramHandler = handler;
    }

    /**
     * Sends FIN on every connection (after the data already written), waits until they are acknowledged,
     * the connect timeout passes, or nothing has arrived from any peer for {@value #CLOSE_SILENCE_MILLIS} ms
     * (a peer that is gone), then stops the I/O thread and releases the socket. Idempotent.
     */
    @Override
    public void close() {
        if (!closeRequested) {
            closeRequested = true;
            UtpListener l = listener;
            if (l != null) {
                l.markClosed();
            }
            transport.wakeup();
        }
        if (Thread.currentThread() == ioThread) {
            return;
        }
        long boundMillis = options.connectTimeout().toMillis() + 5_000;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    stopped.await(boundMillis, TimeUnit.MILLISECONDS);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isTerminated() {
        return terminated;
    }

    // ------------------------------------------------------------------ commands

    /** Queues {@code command} for the I/O thread. Blocks (parking only the caller) while the queue is full. */
    void submit(Runnable command) throws IOException {
        if (terminated) {
            throw new IOException("endpoint closed");
        }
        if (Thread.currentThread() == ioThread) {
            command.run();
            return;
        }
        try {
            while (!commands.offer(command, 100, TimeUnit.MILLISECONDS)) {
                if (terminated) {
                    throw new IOException("endpoint closed");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while queueing a command");
        }
        transport.wakeup();
    }

    // ------------------------------------------------------------------ the I/O thread

    private void run() {
        try {
            loop();
        } catch (Throwable t) {
            for (UtpStream s : streams) {
                s.terminate("endpoint I/O thread failed: " + t);
            }
            throw t;
        } finally {
            shutdownNow();
        }
    }

    private void loop() {
        while (true) {
            updateClock();
            int received = transport.receive(inbound);
            for (int i = 0; i < received; i++) {
                MemorySegment seg = inbound.segment();
                long off = inbound.offset(i);
                int len = inbound.length(i);
                InetSocketAddress from = inbound.source(i);
                if (engine.receive(seg, off, len, from) == 0) {
                    handOff(seg, off, len, from);
                }
                dispatch();
            }
            if (received == RECEIVE_BATCH) {
                engine.noteInputBacklog();
            }
            if (received > 0) {
                closeLastHeardMillis = engine.nowMillis();
                if (unackedDatagrams == 0) {
                    ackDueNanos = System.nanoTime() + ACK_DELAY_NANOS;
                }
                unackedDatagrams += received;
            }
            if (transport.reportsIcmpErrors() && transport.drainErrors(icmpHandler) > 0) {
                dispatch();
            }
            int ran = runCommands();
            if (closeRequested && !closing) {
                beginClose();
            }
            engine.checkTimeouts();
            // Commands (readDrained after a read) may have queued a window update: it goes now unless
            // acks for received data are being held back (then with them, within ACK_DELAY_NANOS).
            if (unackedDatagrams == 0 || unackedDatagrams >= ACK_EVERY_DATAGRAMS || closing
                    || System.nanoTime() - ackDueNanos >= 0) {
                engine.issueDeferredAcks();
                unackedDatagrams = 0;
            }
            dispatch();
            flush();
            if (closing && closeFinished()) {
                return;
            }
            if (received == 0 && ran == 0) {
                long waitMillis = engine.connectionCount() == 0 && !closing
                        ? IDLE_WAIT_MILLIS : Math.max(1, engine.millisUntilTick());
                long waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
                if (unackedDatagrams > 0) {
                    waitNanos = Math.max(0, Math.min(waitNanos, ackDueNanos - System.nanoTime()));
                }
                if (sendStalled) {
                    waitNanos = Math.min(waitNanos, SEND_RETRY_NANOS);   // the qdisc drains meanwhile
                }
                transport.awaitReadable(waitNanos);
            }
        }
    }

    private void updateClock() {
        long nanos = System.nanoTime() - startNanos;
        // Start well above 0: the engine treats 0 as "timer not armed".
        engine.setTime(nanos / 1_000_000 + 1_000, nanos / 1_000 + 1_000_000);
    }

    private int runCommands() {
        int ran = 0;
        Runnable c;
        // Bounded: at most one queue's worth per pass, so the network is never starved.
        while (ran < COMMAND_QUEUE && (c = commands.poll()) != null) {
            ran++;
            try {
                c.run();
            } catch (RuntimeException e) {
                // a failing command must not kill the loop; the command's stream reports its own failure
            }
            updateClock();
            dispatch();
        }
        return ran;
    }

    /** All connections gone, the connect timeout spent, or the peers silent for {@link #CLOSE_SILENCE_MILLIS}. */
    private boolean closeFinished() {
        long now = engine.nowMillis();
        return engine.connectionCount() == 0 || now >= closeDeadlineMillis
                || now - closeLastHeardMillis >= CLOSE_SILENCE_MILLIS;
    }

    private void beginClose() {
        closing = true;
        closeDeadlineMillis = engine.nowMillis() + options.connectTimeout().toMillis();
        closeLastHeardMillis = engine.nowMillis();
        engine.setAcceptsConnections(false);
        for (UtpStream s : streams) {
            s.closeOnIo("endpoint closed");
        }
        dispatch();
    }

    private void dispatch() {
        EngineEvents ev = engine.events();
        while (ev.next()) {
            Connection c = ev.connection();
            UtpStream s = c == null ? null : (UtpStream) c.attachment();
            switch (ev.type()) {
                case EngineEvents.READ -> {
                    if (s != null) {
                        s.onRead(ev.segment(), ev.offset(), ev.length());
                    }
                }
                case EngineEvents.WRITABLE -> {
                    if (s != null) {
                        s.serviceOnIo();
                    }
                }
                case EngineEvents.CONNECT -> {
                    if (s != null) {
                        s.onConnected();
                    }
                }
                case EngineEvents.EOF -> {
                    if (s != null) {
                        s.onEof();
                    }
                }
                case EngineEvents.ERROR -> {
                    if (s != null) {
                        s.onError(ev.arg());
                    } else {
                        c.close();
                    }
                }
                case EngineEvents.DESTROYING -> {
                    if (s != null) {
                        s.onDestroyed();
                        streams.remove(s);
                    }
                }
                case EngineEvents.ACCEPT -> onAccept(c);
                default -> {
                    // DELAY_SAMPLE, OVERHEAD, LOG: not enabled
                }
            }
        }
    }

    private void onAccept(Connection c) {
        UtpListener l = listener;
        if (l == null || l.isClosed() || closing) {
            c.close();
            return;
        }
        UtpStream s = new UtpStream(this, false);
        s.attachAccepted(c);
        streams.add(s);
        if (!l.offer(s)) {
            s.closeOnIo();
        }
    }

    private void handOff(MemorySegment seg, long off, int len, InetSocketAddress from) {
        BiConsumer<ByteBuffer, InetSocketAddress> h = datagramHandler;
        if (h == null) {
            return;
        }
        byte[] copy = new byte[len];
        MemorySegment.copy(seg, java.lang.foreign.ValueLayout.JAVA_BYTE, off, copy, 0, len);
        try {
            h.accept(ByteBuffer.wrap(copy), from);
        } catch (RuntimeException e) {
            // the handler's failure is its own; the endpoint keeps serving
        }
    }

    private void onIcmpError(int type, MemorySegment quoted, long offset, int length, InetSocketAddress to, int mtu) {
        if (type == IcmpErrorHandler.UNREACHABLE) {
            engine.icmpError(quoted, offset, length, to);
        } else if (type == IcmpErrorHandler.FRAGMENTATION_NEEDED) {
            engine.icmpFragmentation(quoted, offset, length, to, mtu);
        }
    }

    /** Stages one datagram (copied: the engine reuses its ack scratch buffer) for the next flush. */
    private void stage(MemorySegment seg, long off, int len, InetSocketAddress to, int flags) {
        if (outbound.remaining() == OUTGOING_BATCH) {
            flush();
            if (outbound.remaining() == OUTGOING_BATCH) {
                // Kernel buffer and our queue both full: drop the newest, uTP retransmits it.
                droppedDatagrams++;
                sendBufferFullDrops++;
                return;
            }
        }
        if (len > stagingSlotBytes) {
            droppedDatagrams++;
            return;
        }
        // FIFO in both: with fewer than OUTGOING_BATCH queued, this slot's last datagram has left.
        long at = (long) nextStagingSlot * stagingSlotBytes;
        nextStagingSlot = (nextStagingSlot + 1) % OUTGOING_BATCH;
        MemorySegment.copy(seg, off, staging, at, len);
        outbound.add(staging, at, len, to, (flags & EngineHost.DONT_FRAGMENT) != 0 ? Transport.FLAG_DONTFRAG : 0);
    }

    private void flush() {
        if (outbound.remaining() > 0) {
            transport.send(outbound);
            boolean refused = outbound.remaining() > 0;
            if (refused && !sendStalled) {
                sendBufferStalls++;
            }
            sendStalled = refused;
        }
    }

    private void shutdownNow() {
        terminated = true;
        try {
            updateClock();
            engine.close();
            dispatch();
            for (UtpStream s : streams) {
                s.terminate("endpoint closed");
            }
            streams.clear();
            UtpListener l = listener;
            if (l != null) {
                l.markClosed();
            }
            Runnable c;
            while ((c = commands.poll()) != null) {
                // dropped: their streams were terminated above
            }
        } finally {
            try {
                transport.close();
            } finally {
                engine.release();
                arena.close();
                stopped.countDown();
            }
        }
    }

    private final class Host implements EngineHost {
        @Override
        public void send(MemorySegment segment, long offset, int length, InetSocketAddress to, int flags) {
            stage(segment, offset, length, to, flags);
        }

        @Override
        public int udpMtu(Connection connection, InetSocketAddress peer) {
            if (options.mtu() > 0) {
                return options.mtu();
            }
            return peer != null && peer.getAddress() instanceof Inet6Address ? MTU_V6 : MTU_V4;
        }

        @Override
        public int udpOverhead(Connection connection, InetSocketAddress peer) {
            return peer != null && peer.getAddress() instanceof Inet6Address ? 48 : 28;
        }

        @Override
        public int random(Connection connection) {
            return random.nextInt();
        }

        @Override
        public long readBufferSize(Connection connection) {
            Object a = connection.attachment();
            // The engine advertises receiveBufferBytes minus this: min(free stream buffer, the cap).
            return Math.max(a instanceof UtpStream s ? s.unreadBytes() : 0, hiddenReceiveBuffer);
        }

        @Override
        public boolean firewallRejects(InetSocketAddress from) {
            return false;
        }
    }
}
