package dev.jutp.engine;

import dev.jutp.engine.buf.PacketSlab;
import dev.jutp.engine.loss.LossCandidates;
import dev.jutp.wire.Header;
import dev.jutp.wire.PacketView;
import dev.jutp.wire.Seq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * One UDP socket's worth of uTP: the connection table, datagram dispatch, the unknown-connection
 * RST rule, deferred acks and the timer tick. Sans-IO: the owner sets the time with
 * {@link #setTime} before each call, feeds datagrams to {@link #receive}, and drains
 * {@link #events()} afterwards.
 */
public final class Engine implements AutoCloseable {
    public static final int LOG_NORMAL = 16;
    public static final int LOG_MTU = 17;
    public static final int LOG_DEBUG = 18;

    /** libutp ignores SYNs once this many connections exist. */
    public static final int DEFAULT_MAX_CONNECTIONS = 3000;
    /**
     * SYN backlog: accepted connections not yet confirmed by a second packet from their peer.
     * Beyond it a new SYN pushes out the oldest (libutp has no such cap, Q4).
     */
    public static final int DEFAULT_MAX_HALF_OPEN = 1000;
    public static final int DEFAULT_BUFFER_BYTES = 1 << 20;
    /** "No target configured": each connection uses its controller's default (60 ms LEDBAT++, 100 ms LEDBAT). */
    public static final int TARGET_DELAY_UNSET = Integer.MIN_VALUE;
    public static final long DEFAULT_TICK_MILLIS = 500;
    /**
     * Retransmission timeouts handled per second of ticks, across all connections; expiries
     * beyond it wait for the next tick. Thousands of connections whose packets were lost together
     * (a full socket buffer) otherwise time out in the same tick and resend in one burst, which
     * overflows the same buffer again, round after round, until they give up.
     */
    public static final int TIMEOUTS_PER_SECOND = 4000;
    /** libutp's loss detection: three SACK marks or duplicate acks, else the RTO. */
    public static final int LOSS_RECOVERY_LIBUTP = 0;
    /** RACK time-based detection and the tail-loss probe ahead of the RTO (the default). */
    public static final int LOSS_RECOVERY_RACK_TLP = 1;

    final EngineHost host;
    final PacketSlab slab;
    private final DroppedEngineMemory nativeMemory;
    final ConnectionTable table = new ConnectionTable();
    final EngineEvents events = new EngineEvents();
    final ContextStats stats = new ContextStats();
    private final ResetMemory resets = new ResetMemory();
    final SynBacklog backlog = new SynBacklog();
    private final PacketView view = new PacketView();
    private final Arena scratchArena = Arena.ofShared();
    /** One outgoing ack or RST at a time is built here. */
    final MemorySegment scratch = scratchArena.allocate(64, 8);
    /** The packets the SACK being processed proves lost (one SACK at a time, so one per engine). */
    final LossCandidates sackCandidates = new LossCandidates(Retransmitter.MAX_SACK_CANDIDATES);

    long nowMillis;
    long nowMicros;
    private long lastTickMillis;
    private boolean ticked;
    /** Earliest timer work found by the last effective tick, valid while {@link #timersDirty} is false. */
    private long nextTimerMillis = Long.MAX_VALUE;
    /** Something happened since the last effective tick that may have armed an earlier timer. */
    private boolean timersDirty = true;

    /** The options; replaced whole by {@link #configure}, read by connections (see {@link EngineConfig}). */
    private EngineConfig config = EngineConfig.DEFAULTS;
    /** Whether any connection was made in RACK-TLP mode (then the between-tick pass is needed). */
    private boolean hasRackConnections;

    private Connection[] ackList = new Connection[16];
    private int ackCount;
    private Connection[] iteration = new Connection[16];
    private int[] deferredSlots = new int[16];
    private int deferredCount;
    /** Dispatch loops running (they nest when a callback feeds a datagram): deferred slots stay taken. */
    private int deferredHolds;
    private final ArrayList<Connection> untracked = new ArrayList<>();
    private Connection lastHit;
    private boolean closed;
    /** Retransmission timeouts still allowed in the current tick. */
    private int timeoutBudget;
    /** When the owner last found more datagrams waiting than it reads in one go (if {@link #inputBacklogSeen}). */
    private long lastBacklogMillis;
    private boolean inputBacklogSeen;

    public Engine(EngineHost host) {
        this(host, PacketSlab.DEFAULT_SLOT_SIZE);
    }

    public Engine(EngineHost host, int slotSize) {
        this.host = host;
        this.slab = new PacketSlab(slotSize);
        DroppedEngineMemory.freeDropped();
        this.nativeMemory = new DroppedEngineMemory(this, slab, scratchArena);
    }

    // ------------------------------------------------------------------ configuration

    public void setTime(long millis, long micros) {
        nowMillis = millis;
        nowMicros = micros;
        releaseDeferred();
        DroppedEngineMemory.freeDropped();
    }

    public long nowMillis() {
        return nowMillis;
    }

    public EngineEvents events() {
        return events;
    }

    public ContextStats stats() {
        return stats;
    }

    /** The current options. */
    public EngineConfig config() {
        return config;
    }

    /**
     * Replaces the options (build the new record from {@link #config()} with its {@code with*}
     * methods). Connections created from now on take it; existing ones keep theirs, except for the
     * engine-wide switches listed in {@link EngineConfig}.
     */
    public void configure(EngineConfig next) {
        config = java.util.Objects.requireNonNull(next, "config");
    }

    /** Shorthand for {@code configure(config().withMaxConnections(max))}. */
    public void setMaxConnections(int max) {
        configure(config.withMaxConnections(max));
    }

    /** Shorthand for {@code configure(config().withTickMillis(millis))}; see {@link EngineConfig#withTickMillis}. */
    public void setTickMillis(long millis) {
        configure(config.withTickMillis(millis));
    }

    public int maxHalfOpen() {
        return config.maxHalfOpen();
    }

    public int halfOpenCount() {
        return backlog.size();
    }

    public int connectionCount() {
        return table.size();
    }

    /** Slots the connection table has examined so far (its work; a hash flood would show here). */
    public long connectionTableProbes() {
        return table.probes();
    }

    public PacketSlab slab() {
        return slab;
    }

    // ------------------------------------------------------------------ connections

    /** A new, unconnected connection (libutp's utp_create_socket). */
    public Connection createConnection() {
        ensureOpen();
        return new Connection(this);
    }

    /** Marks a connection that was closed before it ever connected, for DESTROYING at the next tick. */
    void trackUntracked(Connection c) {
        untracked.add(c);
        timersDirty = true;
    }

    // ------------------------------------------------------------------ input

    /**
     * Processes one datagram from {@code from} (libutp's utp_process_udp). Returns 1 if it was
     * uTP (whatever became of it), 0 if not — the caller may then hand it to another protocol.
     */
    public int receive(MemorySegment seg, long offset, int length, InetSocketAddress from) {
        timersDirty = true;
        if (closed || from == null || seg == null) {
            return 0;
        }
        PacketView p = view;
        int verdict = p.parse(seg, offset, length);
        if (verdict == PacketView.NOT_UTP) {
            stats.notUtp++;
            return 0;
        }
        if (verdict == PacketView.MALFORMED) {
            stats.malformed++;
            return 1;
        }
        int type = p.type;
        int id = p.connectionId;
        if (type == Header.ST_RESET) {
            Connection c = findForReset(from, id, p.ack);
            if (c != null) {
                overhead(c, 0, length, Connection.OVERHEAD_CLOSE);
                c.resetByPeer();
            }
            return 1;
        }
        if (type != Header.ST_SYN) {
            Connection c = lookup(from, id);
            if (c != null) {
                c.receive(p);
                if (config.overheadEvents()) {
                    overhead(c, 0, length - p.payloadLength, Connection.OVERHEAD_HEADER);
                }
                return 1;
            }
            stats.unknownConnection++;
            answerUnknown(from, id, p.seq);
            return 1;
        }
        acceptSyn(p, from, length);
        return 1;
    }

    private Connection lookup(InetSocketAddress from, int recvId) {
        Connection c = lastHit;             // bulk transfers hit the same connection again and again
        if (c != null && c.recvId == recvId && ConnectionTable.samePeer(c.peer, from)) {
            return c;
        }
        c = table.get(from, recvId);
        if (c == null && from.getAddress() instanceof Inet6Address) {
            // Peers are keyed in libutp's normal form (v4-mapped → IPv4); only a miss pays for it.
            InetSocketAddress normal = normalise(from);
            if (normal != from) {
                c = table.get(normal, recvId);
            }
        }
        if (c != null) {
            lastHit = c;
        }
        return c;
    }

    /**
     * RST matching: our receive id, or our send id (found by looking at id±1), modulo 2^16, as
     * libutp does. Unlike libutp, the RST's ack_nr must acknowledge something we sent (an RST
     * answers a packet of ours and echoes its seq), and among several connections named by the
     * id the one whose seq it is closest to wins: with many connections to one peer, the id of
     * an RST meant for one can equal the other id of another. Counts what it drops.
     */
    private Connection findForReset(InetSocketAddress from, int id, int ack) {
        from = normalise(from);
        Connection best = null;
        boolean idMatched = false;
        for (int candidate = 0; candidate < ID_CANDIDATES; candidate++) {
            Connection c = namedBy(from, id, candidate);
            if (c == null) {
                continue;
            }
            idMatched = true;
            if (!c.resetAcceptable(ack)) {
                continue;
            }
            if (best == null || Seq.distance(ack, c.seqNr) < Seq.distance(ack, best.seqNr)) {
                best = c;
            }
        }
        if (best == null && idMatched) {
            stats.resetsIgnored++;          // ack_nr acknowledges nothing we sent: forged
        } else if (best == null) {
            stats.unknownConnection++;      // never answered (an RST never gets an RST)
        }
        return best;
    }

    /** ICMP matching: the quoted datagram is ours, so its id alone names the connection. */
    private Connection findForIcmp(InetSocketAddress from, int id) {
        for (int candidate = 0; candidate < ID_CANDIDATES; candidate++) {
            Connection c = namedBy(from, id, candidate);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    /** An id names up to three connections: the one receiving on it, and those sending on it (receive id ±1). */
    private static final int ID_CANDIDATES = 3;

    /** Candidate 0: receive id == id; 1 and 2: send id == id, found at receive id + 1 and − 1. */
    private Connection namedBy(InetSocketAddress from, int id, int candidate) {
        if (candidate == 0) {
            return table.get(from, id);
        }
        Connection c = table.get(from, Seq.add(id, candidate == 1 ? 1 : -1));
        return c != null && c.sendId == id ? c : null;
    }

    private void answerUnknown(InetSocketAddress from, int id, int seq) {
        from = normalise(from);
        int verdict = resets.consider(id, from, seq, nowMillis);
        if (verdict != ResetMemory.SEND) {
            stats.resetsSuppressed++;
            return;
        }
        Header.write(scratch, 0, Header.ST_RESET, Header.EXT_NONE, id, 0, 0, 0,
                host.random(null) & Seq.MASK, seq);
        stats.resetsSent++;
        countSent(Header.SIZE);
        host.send(scratch, 0, Header.SIZE, from, 0);
    }

    private void acceptSyn(PacketView p, InetSocketAddress from, int length) {
        from = normalise(from);
        int recvId = Seq.add(p.connectionId, 1);
        Connection existing = table.get(from, recvId);
        if (existing != null) {
            // Checked before the listening switch and the firewall: a connection already accepted
            // stays answerable when the application stops accepting new ones (utpcat -l takes one
            // connection and closes its listener; ucat's firewall refuses a second peer).
            if (existing.isDuplicateSyn(p.seq)) {
                // Our SYN-ACK was lost: answer the retransmitted SYN with the same SYN-ACK (Q3).
                stats.synAckResent++;
                existing.sendSynAck();
            } else {
                stats.synsIgnored++;
            }
            return;
        }
        if (!config.acceptsConnections()) {
            stats.synsIgnored++;
            return;
        }
        if (SynBacklog.refuses(table.size(), config.maxConnections())) {
            // A hard cap: a half-open connection is one its initiator believes established (it
            // has our SYN-ACK), so none is pushed out for a newcomer. libutp ignores the SYN; the
            // newcomer gets an RST (one 20-byte reply per SYN, rate-limited as any unknown-id
            // answer) and fails at once with "connection refused" instead of a connect timeout.
            stats.synsIgnored++;
            stats.synsRefusedFull++;
            answerUnknown(from, p.connectionId, p.seq);
            return;
        }
        if (host.firewallRejects(from)) {
            stats.synsIgnored++;
            return;
        }
        Connection pushedOut = backlog.makeRoom(config.maxHalfOpen());
        if (pushedOut != null) {
            evictHalfOpen(pushedOut);       // the SYN backlog: a flood cannot lock real clients out
        }
        Connection c = new Connection(this);
        c.accept(from, p.connectionId, p.seq);
        table.put(c);
        backlog.add(c);
        stats.synsAccepted++;
        c.countReceived(length);
        c.sendSynAck();
        events.add(EngineEvents.ACCEPT, c, 0, 0, null, 0, 0, from);
        overhead(c, 0, length, Connection.OVERHEAD_HEADER);
    }

    /**
     * The oldest half-open connection, pushed out of the backlog for a new SYN: out of the table
     * at once, silently (an RST to an unverified address would be amplification), and reported to
     * the application as a timeout like any half-open connection that was never confirmed.
     */
    private void evictHalfOpen(Connection c) {
        table.remove(c);
        if (lastHit == c) {
            lastHit = null;
        }
        c.freeResources();
        stats.halfOpenEvicted++;
        c.fail(Connection.ETIMEDOUT);
    }

    /** A connection left the SYN backlog (confirmed, failed or closed). */
    void leftBacklog(Connection c) {
        backlog.leave(c);
    }

    /** The application closed {@code c}: if it had been pushed out of the backlog, free it at the next tick. */
    void closedByApplication(Connection c) {
        backlog.leave(c);
        if (backlog.closedAfterEviction(c)) {
            trackUntracked(c);              // no longer in the table: freed through the untracked list
        }
    }

    /**
     * An ICMP error quoting one of our datagrams ({@code quoted} is the original UDP payload,
     * {@code to} where we had sent it). Returns 1 if it matched a connection.
     */
    public int icmpError(MemorySegment quoted, long offset, int length, InetSocketAddress to) {
        Connection c = icmpTarget(quoted, offset, length, to);
        if (c == null) {
            return 0;
        }
        c.fail(c.state == Connection.SYN_SENT ? Connection.ECONNREFUSED : Connection.ECONNRESET);
        return 1;
    }

    /**
     * ICMP "fragmentation needed" quoting our datagram. {@code nextHopMtu} is the IP-level MTU
     * from the ICMP message; it is converted to a UDP payload size here (libutp uses it as is, Q7).
     */
    public int icmpFragmentation(MemorySegment quoted, long offset, int length, InetSocketAddress to, int nextHopMtu) {
        Connection c = icmpTarget(quoted, offset, length, to);
        if (c == null) {
            return 0;
        }
        c.fragmentationNeeded(nextHopMtu);
        return 1;
    }

    private Connection icmpTarget(MemorySegment quoted, long offset, int length, InetSocketAddress to) {
        if (closed || quoted == null || to == null || !Header.isUtpV1(quoted, offset, length)) {
            return null;
        }
        Connection c = findForIcmp(normalise(to), Header.connectionId(quoted, offset));
        return c == null || c.state == Connection.UNINITIALIZED ? null : c;
    }

    // ------------------------------------------------------------------ timers and acks

    /** Whether {@link #issueDeferredAcks()} has anything to send. */
    public boolean hasDeferredAcks() {
        return ackCount > 0;
    }

    /** Sends the deferred acks of every connection that has one pending. */
    public void issueDeferredAcks() {
        for (int i = 0; i < ackCount; i++) {
            Connection c = ackList[i];
            ackList[i] = null;
            c.sendDeferredAck();
        }
        ackCount = 0;
    }

    void queueAck(Connection c) {
        if (ackCount == ackList.length) {
            ackList = Arrays.copyOf(ackList, ackCount * 2);
        }
        ackList[ackCount++] = c;
    }

    /**
     * The timer tick (libutp's utp_check_timeouts): at most once per tick interval, runs every
     * connection's timers and frees the ones marked destroyed (DESTROYING events).
     */
    public void checkTimeouts() {
        if (closed) {
            return;
        }
        if (ticked && nowMillis - lastTickMillis < config.tickMillis()) {
            checkLossTimers();
            return;
        }
        ticked = true;
        lastTickMillis = nowMillis;
        resets.expire(nowMillis);
        timeoutBudget = (int) Math.max(16, TIMEOUTS_PER_SECOND * config.tickMillis() / 1000);
        iteration = table.snapshot(iteration);
        for (int i = 0; iteration[i] != null; i++) {
            iteration[i].checkTimeouts();
        }
        long next = Long.MAX_VALUE;
        for (int i = 0; iteration[i] != null; i++) {
            Connection c = iteration[i];
            iteration[i] = null;
            if (c.state == Connection.DESTROY) {
                destroy(c);
            } else {
                next = Math.min(next, c.nextTimerMillis());
            }
        }
        if (!untracked.isEmpty()) {
            for (Connection c : untracked) {
                events.add(EngineEvents.DESTROYING, c, 0);
            }
            untracked.clear();
        }
        nextTimerMillis = next;
        timersDirty = false;
    }

    /**
     * Engine time (ms) at which {@link #checkTimeouts} next has work, for owners that sleep until
     * then instead of ticking (never before the next tick): the earliest timer of any connection,
     * recomputed after anything happened (input, output, a close), else the one the last pass
     * found. Keep-alives and silence checks are coalesced within
     * {@link ConnectionTimers#LAZY_TIMER_SLACK_MILLIS}. {@link Long#MAX_VALUE}: no timer at all.
     */
    public long nextTimeoutMillis() {
        if (!ticked || !untracked.isEmpty()) {
            return nowMillis;
        }
        if (timersDirty) {
            long next = Long.MAX_VALUE;
            iteration = table.snapshot(iteration);
            for (int i = 0; iteration[i] != null; i++) {
                Connection c = iteration[i];
                iteration[i] = null;
                next = Math.min(next, c.state == Connection.DESTROY ? nowMillis : c.nextTimerMillis());
            }
            nextTimerMillis = next;
            timersDirty = false;
        }
        return Math.max(lastTickMillis + config.tickMillis(), nextTimerMillis);
    }

    /** Between ticks: only the RACK-TLP timers, which work on the RTT's scale, not the tick's. */
    private void checkLossTimers() {
        if (!hasRackConnections) {
            return;                         // libutp's exact behaviour: nothing happens between ticks
        }
        iteration = table.snapshot(iteration);
        for (int i = 0; iteration[i] != null; i++) {
            iteration[i].loss.checkLossTimers();
            iteration[i] = null;
        }
    }

    /**
     * The owner found its socket backlogged (a full receive batch): datagrams may be dropping
     * in our own buffer, so silence from peers is not yet proof they are gone. Connections keep
     * retransmitting but do not give up until a whole retransmission timeout passes without it.
     */
    public void noteInputBacklog() {
        lastBacklogMillis = nowMillis;
        inputBacklogSeen = true;
    }

    /** Whether the owner found its socket backlogged at most {@code millis} ago. */
    boolean inputBackloggedWithin(long millis) {
        return inputBacklogSeen && nowMillis - lastBacklogMillis <= millis;
    }

    /** Something changed that may arm an earlier timer than the last pass found. */
    void timersChanged() {
        timersDirty = true;
    }

    /** A connection in RACK-TLP mode exists: its timers run between ticks too. */
    void rackConnectionCreated() {
        hasRackConnections = true;
    }

    /** Takes one retransmission timeout from this tick's budget; false: wait for the next tick. */
    boolean takeTimeout() {
        if (timeoutBudget == 0) {
            stats.timeoutsDeferred++;
            return false;
        }
        timeoutBudget--;
        return true;
    }

    /** Milliseconds until the next tick would do anything, for owners that sleep between ticks. */
    public long millisUntilTick() {
        return ticked ? Math.max(0, lastTickMillis + config.tickMillis() - nowMillis) : 0;
    }

    private void destroy(Connection c) {
        table.remove(c);
        backlog.leave(c);
        if (lastHit == c) {
            lastHit = null;
        }
        c.freeResources();
        events.add(EngineEvents.DESTROYING, c, 0);
    }

    /** Frees every connection (DESTROYING for each) and releases memory. Sends nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        iteration = table.snapshot(iteration);
        for (int i = 0; iteration[i] != null; i++) {
            Connection c = iteration[i];
            iteration[i] = null;
            c.destroyWithEngine();
            destroy(c);
        }
        for (Connection c = backlog.takeEvicted(); c != null; c = backlog.takeEvicted()) {
            c.destroyWithEngine();
            untracked.add(c);
        }
        for (Connection c : untracked) {
            events.add(EngineEvents.DESTROYING, c, 0);
        }
        untracked.clear();
        closed = true;
    }

    /** Releases off-heap memory once the final events have been dispatched. */
    public void release() {
        events.clear();
        nativeMemory.free();
    }

    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("engine closed");
        }
    }

    // ------------------------------------------------------------------ output and accounting

    void transmit(Connection c, MemorySegment seg, long off, int length, InetSocketAddress to, int flags, int overheadKind) {
        timersDirty = true;
        countSent(length);
        if (config.overheadEvents()) {
            int len = overheadKind == Connection.OVERHEAD_HEADER ? Header.SIZE : length;
            overhead(c, 1, len, overheadKind);
        }
        host.send(seg, off, length, to, flags);
    }

    private void overhead(Connection c, int sent, int length, int kind) {
        if (config.overheadEvents()) {
            events.add(EngineEvents.OVERHEAD, c, sent, kind, null, 0, length + host.udpOverhead(c, c.peer), null);
        }
    }

    /** A connection aborted with an RST. */
    void countResetSent() {
        stats.resetsSent++;
    }

    void countSent(int length) {
        stats.rawSent[ContextStats.bucket(length)]++;
    }

    void countReceived(int length) {
        stats.rawReceived[ContextStats.bucket(length)]++;
    }

    /** A reorder-buffer slot whose payload was handed out in a READ event: free it after dispatch. */
    void releaseAfterDispatch(int slot) {
        if (deferredCount == deferredSlots.length) {
            deferredSlots = Arrays.copyOf(deferredSlots, deferredCount * 2);
        }
        deferredSlots[deferredCount++] = slot;
    }

    /**
     * The owner is dispatching events: a READ callback may be reading a deferred slot even after
     * the queue has run empty (it calls back into the engine from inside the callback), so no
     * deferred slot is freed until the matching {@link #releaseDeferredHold()}.
     */
    public void holdDeferredSlots() {
        deferredHolds++;
    }

    public void releaseDeferredHold() {
        deferredHolds--;
    }

    /** Frees deferred slots once no READ event can still point at them. */
    int deferredSlotCount() {
        return deferredCount;
    }

    private void releaseDeferred() {
        if (deferredCount > 0 && events.isEmpty() && deferredHolds == 0) {
            for (int i = 0; i < deferredCount; i++) {
                slab.release(deferredSlots[i]);
            }
            deferredCount = 0;
        }
    }

    void log(Connection c, int level, String format, Object... args) {
        if (config.logs(level)) {
            String prefix = c == null ? "" : c.peer + " " + String.format("%06d", c.recvId) + " ";
            events.add(EngineEvents.LOG, c, level, 0, null, 0, 0, prefix + String.format(format, args));
        }
    }

    /**
     * An IPv4-mapped IPv6 address becomes the IPv4 address; scope ids are dropped (libutp's
     * keying). Applied where connections are created; the JDK already hands out mapped
     * addresses as {@link Inet4Address}, so the per-packet path needs no conversion.
     */
    static InetSocketAddress normalise(InetSocketAddress a) {
        InetAddress addr = a.getAddress();
        if (addr instanceof Inet6Address six) {
            byte[] b = six.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped && b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) {
                try {
                    return new InetSocketAddress(Inet4Address.getByAddress(Arrays.copyOfRange(b, 12, 16)), a.getPort());
                } catch (UnknownHostException e) {
                    return a;
                }
            }
            if (six.getScopeId() != 0) {
                try {
                    return new InetSocketAddress(InetAddress.getByAddress(b), a.getPort());
                } catch (UnknownHostException e) {
                    return a;
                }
            }
        }
        return a;
    }
}
