package dev.jutp;

import dev.jutp.engine.Connection;
import dev.jutp.engine.ContextStats;
import dev.jutp.engine.Engine;
import dev.jutp.engine.EngineEvents;
import dev.jutp.engine.EngineHost;
import dev.jutp.engine.UdpDefaults;
import dev.jutp.engine.cc.CongestionController;
import dev.jutp.net.IcmpErrorHandler;
import dev.jutp.net.OutgoingBatch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/**
 * The stream API's sans-IO core (quinn-proto's place to quinn's {@link IoLoop}): one engine, the
 * streams on it, the listener, the command queue, ack coalescing, the outgoing staging ring and the
 * endpoint's close protocol. Datagrams, commands and timeouts come in with the current time; datagrams
 * go out into the {@link OutgoingBatch} it stages them in, handed to {@link Output} when full or at
 * {@link #flush()}. It reads no clock, owns no socket and no thread: the owner (the real I/O loop, or a
 * test's virtual network) calls it from one thread, and only {@link #enqueue} and the volatile
 * counters are for other threads.
 */
final class EndpointDriver {

    /** The engine's minimum timer spacing; timers are examined when due, not on every tick. */
    static final long TICK_MILLIS = 50;
    /**
     * A closing endpoint stops waiting for FIN acknowledgements once nothing has arrived for this long:
     * three minimum RTOs, so a live peer's answer to one retransmitted FIN still counts, while a peer
     * that is gone (which the portable transport, blind to ICMP, cannot tell) costs 3 s. Connections
     * still open then are reset.
     */
    static final long CLOSE_SILENCE_MILLIS = 3000;
    /**
     * One closing stream whose peer answers nothing for this long while acknowledgements are due is
     * taken for gone and reset. Longer than the endpoint's {@link #CLOSE_SILENCE_MILLIS}: a live but
     * overloaded peer (thousands of connections on a busy host) can pause for seconds, and by now
     * three retransmission timeouts went unanswered (1 + 2 + 4 s).
     */
    static final long STREAM_CLOSE_SILENCE_MILLIS = 10_000;
    /**
     * Deferred acks wait for this many received datagrams or {@link #ACK_DELAY_NANOS}, whichever comes
     * first. A transport without batching (NIO) drains the socket faster than a sender fills it and
     * would otherwise ack every two or three datagrams, each ack a syscall on both ends.
     */
    static final int ACK_EVERY_DATAGRAMS = 16;
    static final long ACK_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Datagrams staged for one batch send; sends the kernel refused wait here too. */
    static final int OUTGOING_BATCH_DATAGRAMS = 256;
    /** A refused send is retried this soon (no portable writability wake-up on both transports). */
    static final long SEND_RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(250);
    /** Commands from application threads waiting for the I/O side; a full queue makes producers retry. */
    static final int COMMAND_QUEUE_COMMANDS = 1 << 16;
    /** Accepted streams waiting for {@link UtpListener#accept()}; beyond it new ones are closed. */
    static final int ACCEPT_BACKLOG_STREAMS = 4096;
    /**
     * Keep-alives go every 28 to 29 s (within the 30 s of common NAT timeouts), so that the loop wakes
     * once a second at most for all the connections of an idle endpoint.
     */
    static final long KEEPALIVE_EARLY_MILLIS = 1_000;
    /** Staging slots start on 8-byte boundaries (aligned copies). */
    private static final int STAGING_SLOT_ALIGN_BYTES = 8;
    private static final int CACHE_LINE_BYTES = 64;
    /** The engine reads 0 as "timer not armed", so engine time starts here. */
    private static final long ENGINE_EPOCH_MILLIS = 1_000;

    /** Where staged datagrams go: the transport's batch send. */
    interface Output {
        void send(OutgoingBatch batch);
    }

    private final UtpOptions options;
    private final Output output;
    private final RandomGenerator random;
    private final Engine engine;
    private final Arena arena = Arena.ofShared();
    /** Stream receive-buffer bytes never offered as window, so the window fits the kernel buffer. */
    private final int hiddenReceiveBuffer;
    private final OutgoingBatch outbound = new OutgoingBatch(OUTGOING_BATCH_DATAGRAMS);
    private final MemorySegment staging;
    private final int stagingSlotBytes;
    /** Staging slot of the next datagram: a ring, a slot is free once its datagram left the batch. */
    private int nextStagingSlot;
    /** The output refused the batch's head: the rest waits in the batch and is retried shortly. */
    private boolean sendStalled;
    private final ArrayBlockingQueue<Runnable> commands = new ArrayBlockingQueue<>(COMMAND_QUEUE_COMMANDS);
    /** Every stream not yet destroyed, including ones still connecting (for the final sweep). */
    private final Set<StreamCore> streams = ConcurrentHashMap.newKeySet();
    /** Closed streams with a linger deadline, checked at every timeout pass. */
    private final ArrayList<StreamCore> lingering = new ArrayList<>();
    /** Streams whose blocked reader is woken at the end of this pass ({@link StreamCore#onRead}). */
    private final ArrayList<StreamCore> readersToWake = new ArrayList<>();
    private final IcmpErrorHandler icmpHandler = this::onIcmpError;
    private final long originNanos;
    private long nowNanos;

    private volatile BiConsumer<ByteBuffer, InetSocketAddress> datagramHandler;
    private volatile UtpListener listener;
    private volatile boolean closeRequested;
    private boolean closing;
    private long closeLastHeardNanos;
    private long droppedDatagrams;
    private int unackedDatagrams;
    private long ackDueNanos;
    private volatile long sendBufferFullDrops;
    private volatile long sendBufferStalls;
    private volatile long commandFailures;
    private volatile long handlerFailures;

    EndpointDriver(UtpOptions options, int kernelReceiveBuffer, Output output, RandomGenerator random, long nowNanos) {
        this.options = options;
        this.output = output;
        this.random = random;
        this.originNanos = nowNanos;
        this.nowNanos = nowNanos;
        try {
            this.engine = new Engine(new Host());
            engine.configure(engine.config()
                    .withTickMillis(TICK_MILLIS)
                    .withKeepAliveEarlyMillis(KEEPALIVE_EARLY_MILLIS)
                    .withReceiveBuffer(options.receiveBufferBytes())
                    .withSendBuffer(options.sendBufferBytes())
                    .withMaxConnections(options.maxConnections())
                    .withMaxHalfOpen(options.maxHalfOpen())
                    .withIdleTimeoutMillis((int) options.idleTimeout().toMillis())
                    .withCongestionControl(options.congestionControl() == CongestionControl.LEDBAT
                            ? CongestionController.LEDBAT : CongestionController.LEDBAT_PLUS_PLUS)
                    .withLossRecovery(options.lossRecovery() == LossRecovery.LIBUTP
                            ? Engine.LOSS_RECOVERY_LIBUTP : Engine.LOSS_RECOVERY_RACK_TLP));
            this.hiddenReceiveBuffer = options.receiveBufferBytes()
                    - advertisedWindowCap(options.receiveBufferBytes(), kernelReceiveBuffer);
            this.stagingSlotBytes = (engine.slab().slotSize() + STAGING_SLOT_ALIGN_BYTES - 1) & -STAGING_SLOT_ALIGN_BYTES;
            this.staging = arena.allocate((long) stagingSlotBytes * OUTGOING_BATCH_DATAGRAMS, CACHE_LINE_BYTES);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        setTime(nowNanos);
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

    UtpOptions options() {
        return options;
    }

    // ------------------------------------------------------------------ input, given the time

    /** Sets the current time (any monotonic nanosecond clock; the owner's only clock read). */
    void setTime(long nowNanos) {
        this.nowNanos = nowNanos;
        long sinceStart = nowNanos - originNanos;
        engine.setTime(TimeUnit.NANOSECONDS.toMillis(sinceStart) + ENGINE_EPOCH_MILLIS,
                TimeUnit.NANOSECONDS.toMicros(sinceStart) + TimeUnit.MILLISECONDS.toMicros(ENGINE_EPOCH_MILLIS));
    }

    /** One received datagram. The segment is the owner's and is only read during this call. */
    void onDatagram(MemorySegment seg, long off, int len, InetSocketAddress from) {
        if (engine.receive(seg, off, len, from) == 0) {
            handOff(seg, off, len, from);
        }
        dispatch();
    }

    /** After a receive batch of {@code count} datagrams; {@code full}: the socket may hold more. */
    void afterDatagrams(int count, boolean full) {
        if (full) {
            engine.noteInputBacklog();
        }
        if (count > 0) {
            closeLastHeardNanos = nowNanos;
            if (unackedDatagrams == 0) {
                ackDueNanos = nowNanos + ACK_DELAY_NANOS;
            }
            unackedDatagrams += count;
        }
    }

    /** The handler for the transport's queued ICMP errors. */
    IcmpErrorHandler icmpHandler() {
        return icmpHandler;
    }

    /** Queues a command from any thread; false while the queue is full (the caller retries). */
    boolean enqueue(Runnable command) {
        return commands.offer(command);
    }

    /** Runs queued commands (at most one queue's worth, so the network is never starved). */
    int runCommands() {
        int ran = 0;
        Runnable c;
        while (ran < COMMAND_QUEUE_COMMANDS && (c = commands.poll()) != null) {
            ran++;
            runCommand(c);
        }
        return ran;
    }

    /** Runs one command on the owner's thread; a failure is logged, counted and fails its stream. */
    void runCommand(Runnable c) {
        try {
            c.run();
        } catch (RuntimeException | Error e) {
            commandFailures++;
            StreamCore s = c instanceof StreamCore.Command sc ? sc.stream() : null;
            log().log(System.Logger.Level.ERROR, "jutp: command failed on the I/O thread"
                    + (s != null ? " for " + s : ""), e);
            if (s != null) {
                s.terminate("internal error on the I/O thread: " + e);
                if (s.connection() != null) {
                    s.connection().abort();
                }
            }
            if (e instanceof Error err && !(e instanceof AssertionError)) {
                throw err;
            }
        }
        if (c instanceof StreamCore.Command sc) {
            noteLinger(sc.stream());
        }
        dispatch();
    }

    /** Tracks {@code s} if it has a linger deadline now. */
    private void noteLinger(StreamCore s) {
        if (s.lingerDeadlineMillis() != Long.MAX_VALUE && !s.isDestroyedOnIo() && !lingering.contains(s)) {
            lingering.add(s);
        }
    }

    /** Runs due timers, lingers and deferred acks, then flushes. Call once per pass. */
    void onTimeouts() {
        if (closeRequested && !closing) {
            beginClose();
        }
        engine.checkTimeouts();
        expireLingers();
        // Commands (readDrained after a read) may have queued a window update: it goes now unless
        // acks for received data are being held back (then with them, within ACK_DELAY_NANOS).
        if (unackedDatagrams == 0 || unackedDatagrams >= ACK_EVERY_DATAGRAMS || closing
                || nowNanos - ackDueNanos >= 0 || !engine.hasDeferredAcks()) {
            engine.issueDeferredAcks();
            unackedDatagrams = 0;
        }
        dispatch();
        wakeReaders();
        flush();
    }

    /** Wakes the readers {@link StreamCore#onRead} queued during this pass (one wake-up a pass, not a packet). */
    private void wakeReaders() {
        for (int i = 0; i < readersToWake.size(); i++) {
            readersToWake.get(i).wakeReaderOnIo();
        }
        readersToWake.clear();
    }

    /**
     * When the owner must call again at the latest, as an absolute time on its clock, if nothing
     * arrives before: the engine's next real timer, a linger deadline, held acks, or a stalled send's
     * retry. {@link Long#MAX_VALUE}: nothing is due at all (no connections).
     */
    long pollTimeout() {
        long engineNext = engine.nextTimeoutMillis();
        long due = engineNext == Long.MAX_VALUE ? Long.MAX_VALUE
                : ownerNanos(engineNext);
        for (int i = 0; i < lingering.size(); i++) {
            StreamCore s = lingering.get(i);
            long ms = Math.min(s.lingerDeadlineMillis(), silenceDeadlineMillis(s));
            due = Math.min(due, ownerNanos(ms));
        }
        if (unackedDatagrams > 0 && engine.hasDeferredAcks()) {
            due = Math.min(due, ackDueNanos);
        }
        if (sendStalled) {
            due = Math.min(due, nowNanos + SEND_RETRY_NANOS);   // the qdisc drains meanwhile
        }
        if (closing) {
            due = Math.min(due, closeLastHeardNanos + TimeUnit.MILLISECONDS.toNanos(CLOSE_SILENCE_MILLIS));
        }
        return due;
    }

    /** An engine time (ms) on the owner's nanosecond clock; {@link Long#MAX_VALUE} beyond it (a linger of years). */
    private long ownerNanos(long engineMillis) {
        long sinceOrigin = TimeUnit.MILLISECONDS.toNanos(engineMillis - ENGINE_EPOCH_MILLIS);   // saturates
        long at = originNanos + sinceOrigin;
        return ((originNanos ^ at) & (sinceOrigin ^ at)) < 0 ? Long.MAX_VALUE : at;
    }

    /** Hands staged datagrams to the output; what it refuses stays staged for the next call. */
    void flush() {
        if (outbound.remaining() > 0) {
            output.send(outbound);
            boolean refused = outbound.remaining() > 0;
            if (refused && !sendStalled) {
                sendBufferStalls++;
            }
            sendStalled = refused;
        }
    }

    // ------------------------------------------------------------------ streams and the listener

    /** Owner's thread: opens an outgoing connection for {@code s}. */
    void startConnect(StreamCore s, InetSocketAddress to) {
        if (closing) {
            s.terminate("endpoint closed");
            return;
        }
        if (engine.connectionCount() >= options.maxConnections()) {
            s.terminate("cannot connect to " + to + ": the endpoint holds maxConnections ("
                    + options.maxConnections() + ") connections");
            return;
        }
        if (s.startConnect(engine, to)) {
            streams.add(s);
        }
    }

    void setListener(UtpListener l, boolean accept) {
        if (accept) {
            listener = l;
            engine.configure(engine.config().withAcceptsConnections(true));
        } else if (listener == l) {
            engine.configure(engine.config().withAcceptsConnections(false));
        }
    }

    void setDatagramHandler(BiConsumer<ByteBuffer, InetSocketAddress> handler) {
        this.datagramHandler = handler;
    }

    /** Streams alive on this endpoint (connecting, open, closing). */
    int streamCount() {
        return streams.size();
    }

    int connectionCount() {
        return engine.connectionCount();
    }

    /**
     * A closing stream whose peer has not answered for {@link #STREAM_CLOSE_SILENCE_MILLIS} while it still
     * waits for acknowledgements (the peer's window is open, so they are due) is taken for gone: the
     * portable transport cannot see ICMP, and the retransmissions would take minutes to give up. A
     * peer holding its window at zero (not reading) is waited for until the linger.
     */
    private long silenceDeadlineMillis(StreamCore s) {
        Connection c = s.connection();
        if (c == null || c.peerWindow() == 0 || c.packetsQueued() == 0) {
            return Long.MAX_VALUE;
        }
        return c.lastReceivedMillis() + STREAM_CLOSE_SILENCE_MILLIS;
    }

    private void expireLingers() {
        for (int i = lingering.size() - 1; i >= 0; i--) {
            StreamCore s = lingering.get(i);
            if (s.isDestroyedOnIo()) {
                lingering.remove(i);
            } else if (engine.nowMillis() >= s.lingerDeadlineMillis()) {
                lingering.remove(i);
                s.lingerExpired();
            } else if (engine.nowMillis() >= silenceDeadlineMillis(s)) {
                lingering.remove(i);
                s.abandon("the peer was silent for " + STREAM_CLOSE_SILENCE_MILLIS + " ms while closing");
            }
        }
    }

    // ------------------------------------------------------------------ the endpoint's close

    /** Any thread: the owner begins the close protocol at its next pass. */
    void requestClose() {
        closeRequested = true;
        UtpListener l = listener;
        if (l != null) {
            l.markClosed();
        }
    }

    boolean isCloseRequested() {
        return closeRequested;
    }

    private void beginClose() {
        closing = true;
        closeLastHeardNanos = nowNanos;
        engine.configure(engine.config().withAcceptsConnections(false));
        for (StreamCore s : streams) {
            s.closeOnIo("endpoint closed");
            noteLinger(s);
        }
        dispatch();
    }

    /**
     * The close protocol is over: every connection ended, or the peers have been silent for
     * {@link #CLOSE_SILENCE_MILLIS} (then the rest are reset, so their peers learn at once).
     */
    boolean closeFinished() {
        if (!closing) {
            return false;
        }
        if (engine.connectionCount() == 0) {
            return true;
        }
        if (nowNanos - closeLastHeardNanos >= TimeUnit.MILLISECONDS.toNanos(CLOSE_SILENCE_MILLIS)) {
            for (StreamCore s : streams) {
                s.abandon("endpoint closed: its peer went silent");
            }
            dispatch();
            flush();
            return true;
        }
        return false;
    }

    /** Frees everything; the owner's last call. Streams still open are told {@code reason}. */
    void shutdown(String reason) {
        try {
            engine.close();
            dispatch();
            for (StreamCore s : streams) {
                s.terminate(reason);
            }
            streams.clear();
            lingering.clear();
            UtpListener l = listener;
            if (l != null) {
                l.markClosed();
            }
            Runnable c;
            while ((c = commands.poll()) != null) {
                if (c instanceof StreamCore.Command sc) {
                    sc.stream().terminate(reason);
                }
            }
        } finally {
            engine.release();
            arena.close();
        }
    }

    /** Every stream still known fails with {@code message} (the owner's thread died). */
    void failAll(String message) {
        for (StreamCore s : streams) {
            s.terminate(message);
        }
    }

    // ------------------------------------------------------------------ counters

    long sendBufferFullDrops() {
        return sendBufferFullDrops;
    }

    long sendBufferStalls() {
        return sendBufferStalls;
    }

    /** Commands that threw on the I/O thread (each logged, its stream failed). */
    long commandFailures() {
        return commandFailures;
    }

    /** Non-uTP datagram handler calls that threw (each logged). */
    long handlerFailures() {
        return handlerFailures;
    }

    /** Engine counters for diagnostics; the owner's thread. */
    String countersSummary() {
        ContextStats st = engine.stats();
        return "connections=" + engine.connectionCount() + " halfOpen=" + engine.halfOpenCount()
                + " synsAccepted=" + st.synsAccepted + " synsIgnored=" + st.synsIgnored
                + " synAckResent=" + st.synAckResent + " halfOpenEvicted=" + st.halfOpenEvicted
                + " timeoutsDeferred=" + st.timeoutsDeferred + " unknownConnection=" + st.unknownConnection
                + " resetsSent=" + st.resetsSent + " resetsIgnored=" + st.resetsIgnored
                + " stagedDropped=" + droppedDatagrams + " commandFailures=" + commandFailures;
    }

    // ------------------------------------------------------------------ events

    private void dispatch() {
        EngineEvents ev = engine.events();
        while (ev.next()) {
            Connection c = ev.connection();
            StreamCore s = c == null ? null : (StreamCore) c.attachment();
            switch (ev.type()) {
                case EngineEvents.READ -> {
                    if (s != null && s.onRead(ev.segment(), ev.offset(), ev.length())) {
                        readersToWake.add(s);
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
        UtpStream stream = l.newAccepted(c);
        streams.add(stream.core());
        if (!l.offer(stream)) {
            stream.core().closeOnIo(null);
            noteLinger(stream.core());
        }
    }

    private void handOff(MemorySegment seg, long off, int len, InetSocketAddress from) {
        BiConsumer<ByteBuffer, InetSocketAddress> h = datagramHandler;
        if (h == null) {
            return;
        }
        byte[] copy = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, copy, 0, len);
        try {
            h.accept(ByteBuffer.wrap(copy), from);
        } catch (RuntimeException e) {
            handlerFailures++;
            log().log(System.Logger.Level.WARNING, "jutp: the non-uTP datagram handler threw; the endpoint keeps serving", e);
        }
    }

    private void onIcmpError(int type, MemorySegment quoted, long offset, int length, InetSocketAddress to, int mtu) {
        if (type == IcmpErrorHandler.UNREACHABLE) {
            engine.icmpError(quoted, offset, length, to);
        } else if (type == IcmpErrorHandler.FRAGMENTATION_NEEDED) {
            engine.icmpFragmentation(quoted, offset, length, to, mtu);
        }
        dispatch();
    }

    /**
     * Owner's thread: queues a datagram that is not uTP (the application's, on the shared port) for
     * the next flush. It goes out like the engine's: dropped and counted only when the kernel's send
     * buffer and the staging queue are both full, as UDP may drop it.
     */
    void sendDatagram(byte[] datagram, InetSocketAddress to) {
        if (datagram.length <= stagingSlotBytes) {
            stage(MemorySegment.ofArray(datagram), 0, datagram.length, to, 0);
        } else if (roomToStage()) {
            // Larger than a staging slot (no uTP packet is): native memory of its own, freed by the GC once sent.
            MemorySegment big = Arena.ofAuto().allocate(datagram.length);
            MemorySegment.copy(datagram, 0, big, ValueLayout.JAVA_BYTE, 0, datagram.length);
            outbound.add(big, 0, datagram.length, to, 0);
        }
    }

    /** Whether the staging queue has room for one more datagram (flushing first if full); counts a drop if not. */
    private boolean roomToStage() {
        if (outbound.remaining() == OUTGOING_BATCH_DATAGRAMS) {
            flush();
            if (outbound.remaining() == OUTGOING_BATCH_DATAGRAMS) {
                // Kernel buffer and our queue both full: drop the newest, uTP retransmits it.
                droppedDatagrams++;
                sendBufferFullDrops++;
                return false;
            }
        }
        return true;
    }

    /** Stages one datagram (copied: the engine reuses its ack scratch buffer) for the next flush. */
    private void stage(MemorySegment seg, long off, int len, InetSocketAddress to, int flags) {
        if (!roomToStage()) {
            return;
        }
        if (len > stagingSlotBytes) {
            droppedDatagrams++;
            return;
        }
        // FIFO in both: with fewer than OUTGOING_BATCH_DATAGRAMS queued, this slot's last datagram has left
        // (datagrams queued without a slot only make fewer slots in use).
        long at = (long) nextStagingSlot * stagingSlotBytes;
        nextStagingSlot = (nextStagingSlot + 1) % OUTGOING_BATCH_DATAGRAMS;
        MemorySegment.copy(seg, off, staging, at, len);
        outbound.add(staging, at, len, to, (flags & EngineHost.DONT_FRAGMENT) != 0 ? dev.jutp.net.Transport.FLAG_DONTFRAG : 0);
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
            return UdpDefaults.mtuBytes(peer);
        }

        @Override
        public int udpOverhead(Connection connection, InetSocketAddress peer) {
            // The real headers, not libutp's Teredo allowance for IPv6: the stream API owns its socket.
            return UdpDefaults.isIpv6(peer) ? UdpDefaults.IPV6_OVERHEAD_BYTES : UdpDefaults.IPV4_OVERHEAD_BYTES;
        }

        @Override
        public int random(Connection connection) {
            return random.nextInt();
        }

        @Override
        public long readBufferSize(Connection connection) {
            Object a = connection.attachment();
            // The engine advertises receiveBufferBytes minus this: min(free stream buffer, the cap).
            return Math.max(a instanceof StreamCore s ? s.unreadBytes() : 0, hiddenReceiveBuffer);
        }

        @Override
        public boolean firewallRejects(InetSocketAddress from) {
            return false;
        }
    }

    /** Looked up when something goes wrong only (System.getLogger's backend lookup costs start-up time). */
    private static System.Logger log() {
        return System.getLogger(EndpointDriver.class.getName());
    }

}
