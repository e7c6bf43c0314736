package dev.jutp.engine;

import dev.jutp.engine.buf.ReorderBuffer;
import dev.jutp.engine.buf.SendQueue;
import dev.jutp.engine.cc.CongestionController;
import dev.jutp.engine.cc.DelayTracker;
import dev.jutp.engine.cc.MtuSearch;
import dev.jutp.engine.cc.RttEstimator;
import dev.jutp.engine.loss.FastRetransmit;
import dev.jutp.engine.loss.RackTlp;
import dev.jutp.wire.Header;
import dev.jutp.wire.PacketView;
import dev.jutp.wire.SackWriter;
import dev.jutp.wire.Seq;
import dev.jutp.wire.Timestamps;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * One uTP connection: its state machine (handshake, close, reset), its state, and the public
 * face the C API and the stream endpoint use. The work is done by one class per job, each
 * holding this connection: {@link PacketSender} (writes into packets, the window, transmission),
 * {@link AckProcessor} (acknowledgements and their samples), {@link Retransmitter} (every
 * resend), {@link PayloadReceiver} (delivery, reordering, EOF) and {@link ConnectionTimers}.
 * Behaviour follows libutp (utp_internal.cpp); the places where it deliberately does better are
 * marked with the quirk number they fix, listed in the README's "Differences from libutp".
 *
 * <p>Owned by its {@link Engine}; every method runs on the engine's owner thread.
 */
public final class Connection {
    // States (libutp's CONN_STATE numbering).
    public static final int UNINITIALIZED = 0;
    public static final int SYN_SENT = 2;
    public static final int SYN_RECV = 3;
    public static final int CONNECTED = 4;
    public static final int CONNECTED_FULL = 5;
    public static final int RESET = 6;
    public static final int DESTROY = 7;

    // Error codes (libutp's UTP_ECONN*).
    public static final int ECONNREFUSED = 0;
    public static final int ECONNRESET = 1;
    public static final int ETIMEDOUT = 2;

    // Overhead kinds (libutp's bandwidth_type_t).
    static final int OVERHEAD_PAYLOAD = 0, OVERHEAD_CONNECT = 1, OVERHEAD_CLOSE = 2, OVERHEAD_ACK = 3,
            OVERHEAD_HEADER = 4, OVERHEAD_RETRANSMIT = 5;

    /** {@link #shutdown} arguments, libutp's values: stop reading, stop writing (FIN), both. */
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

    static final int PACKET_SIZE_CONSTANT = 1435;          // libutp's PACKET_SIZE: window unit, probe allowance
    static final long INITIAL_PEER_WINDOW = 255L * PACKET_SIZE_CONSTANT;
    static final int ACK_NR_ALLOWED_WINDOW = 3;
    /**
     * An RST must acknowledge one of our recent sequence numbers (peers put the seq of the packet
     * that provoked it in ack_nr): this far behind the oldest unacked packet is still believed,
     * for an RST answering a retransmission of something acked meanwhile.
     */
    static final int RESET_ACK_SLACK = 64;

    final Engine engine;
    final ConnectionStats stats = new ConnectionStats();
    InetSocketAddress peer;
    int recvId;
    int sendId;
    /** Position in the connection table's iteration order; -1 when not in the table. */
    int tableIndex = -1;
    int state = UNINITIALIZED;
    private Object attachment;
    private Object userdata;

    /** The engine's options when this connection was created (libutp copies them into a socket). */
    final EngineConfig config;
    // utp_setsockopt changes these three per connection.
    int sndbuf;
    int rcvbuf;
    int targetDelayMicros;
    final ReceiveWindow receiveWindow;

    // Sequence space.
    int seqNr = 1;
    int ackNr;
    private int synAckSeq;          // our ISN as an acceptor: re-sent if the SYN is repeated (Q3)
    private int synSeq;             // the initiator's SYN seq we accepted
    int queuedPackets;              // libutp's cur_window_packets: seqNr - queuedPackets is the oldest
    long bytesInFlight;             // libutp's cur_window
    long peerWindow = INITIAL_PEER_WINDOW;
    long lastAdvertisedWindow;

    // The parts doing the work (see the class comment).
    final PacketSender out = new PacketSender(this);
    final AckProcessor acks = new AckProcessor(this);
    final Retransmitter loss = new Retransmitter(this);
    private final PayloadReceiver inbound = new PayloadReceiver(this);
    final FastRetransmit fast = new FastRetransmit();
    final SendQueue sendQueue = new SendQueue();
    final ReorderBuffer reorder = new ReorderBuffer();
    final RttEstimator rtt = new RttEstimator();
    final CongestionController cc;
    final DelayTracker delays = new DelayTracker();
    final MtuSearch mtu = new MtuSearch();
    final RackTlp rack = new RackTlp();
    /** The peer's latest ack advertised a zero window: its probe is the zero-window timer's, not TLP's. */
    boolean peerWindowClosed;

    // Timers (engine milliseconds).
    final ConnectionTimers timers = new ConnectionTimers();
    long lastReceivedMillis;
    long lastWindowFullMillis;
    long lastDelayMeasuredMillis;

    // Close and EOF.
    boolean readShutdown;
    boolean closeRequested;
    boolean shutdownPending;     // SHUT_WR asked in SYN_SENT: send FIN once connected (Q12)
    boolean finQueued;
    boolean finSent;
    boolean finAcked;
    boolean eofReached;

    boolean ackQueued;
    // Links for the engine's ConnectionList (SYN backlog, evicted list).
    ConnectionList list;
    Connection listPrev;
    Connection listNext;
    boolean fullWhileHalfOpen;

    Connection(Engine engine) {
        this.engine = engine;
        this.config = engine.config();
        this.sndbuf = config.sendBufferBytes();
        this.rcvbuf = config.receiveBufferBytes();
        this.targetDelayMicros = config.targetDelayMicros();
        this.cc = CongestionController.create(config.congestionControl(), PACKET_SIZE_CONSTANT);
        this.receiveWindow = new ReceiveWindow(config.receiveWindowEnforced(), engine.slab.slotSize());
        if (config.lossRecovery() == Engine.LOSS_RECOVERY_RACK_TLP) {
            engine.rackConnectionCreated();
        }
    }

    // ------------------------------------------------------------------ public accessors

    public int state() {
        return state;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public ConnectionStats stats() {
        return stats;
    }

    public Engine engine() {
        return engine;
    }

    public Object attachment() {
        return attachment;
    }

    public void attach(Object value) {
        attachment = value;
    }

    public Object userdata() {
        return userdata;
    }

    public void setUserdata(Object value) {
        userdata = value;
    }

    public int recvId() {
        return recvId;
    }

    public int sendId() {
        return sendId;
    }

    public boolean isReadShutdown() {
        return readShutdown;
    }

    public boolean isCloseRequested() {
        return closeRequested;
    }

    public boolean isEofReached() {
        return eofReached;
    }

    public boolean isFinAcked() {
        return finAcked;
    }

    /** True once no more data can be written (FIN queued, reset or closing). */
    public boolean isWriteShutdown() {
        return finQueued || shutdownPending || state == RESET || state == DESTROY;
    }

    public int rttMillis() {
        return rtt.rttMillis();
    }

    public int rtoMillis() {
        return rtt.rtoMillis();
    }

    public long congestionWindow() {
        return cc.window();
    }

    /** Engine time (ms) the peer was last heard from. */
    public long lastReceivedMillis() {
        return lastReceivedMillis;
    }

    public long bytesInFlight() {
        return bytesInFlight;
    }

    public int packetsQueued() {
        return queuedPackets;
    }

    public long peerWindow() {
        return peerWindow;
    }

    public int mtuGuess() {
        return mtu.guess() != 0 ? mtu.guess() : mtu.ceiling();
    }

    /** Our direction's filtered queuing delay, µs. */
    public int ourDelayMicros() {
        return delays.ourDelayMicros();
    }

    public int theirDelayMicros() {
        return delays.theirDelayMicros();
    }

    /** Milliseconds since the last delay measurement (large before the first one). */
    public long delayAgeMillis() {
        return lastDelayMeasuredMillis == 0 ? Integer.MAX_VALUE : engine.nowMillis - lastDelayMeasuredMillis;
    }

    public boolean hasDelaySamples() {
        return delays.hasSamples();
    }

    SendQueue sendQueue() {
        return sendQueue;
    }

    ReorderBuffer reorderBuffer() {
        return reorder;
    }

    int packetSize() {
        return mtuGuess() - Header.SIZE;
    }

    // ------------------------------------------------------------------ options

    /** libutp's utp_setsockopt for SNDBUF/RCVBUF/TARGET_DELAY; -1 for a bad value. */
    public int setSendBuffer(int bytes) {
        if (bytes < 1) {
            return -1;
        }
        sndbuf = bytes;
        return 0;
    }

    public int setReceiveBuffer(int bytes) {
        if (bytes < 1) {
            return -1;
        }
        rcvbuf = bytes;
        return 0;
    }

    public void setTargetDelayMicros(int micros) {
        targetDelayMicros = micros;
    }

    public int sendBuffer() {
        return sndbuf;
    }

    public int receiveBuffer() {
        return rcvbuf;
    }

    /** The configured target (µs), or the controller's default when none was set. */
    public int targetDelayMicros() {
        return targetDelayMicros == Engine.TARGET_DELAY_UNSET
                ? CongestionController.defaultTargetMicros(cc.kind()) : targetDelayMicros;
    }

    // ------------------------------------------------------------------ setup

    /** Initiates a connection; -1 if this connection was already used. */
    public int connect(InetSocketAddress to) {
        if (state != UNINITIALIZED) {
            return -1;
        }
        peer = Engine.normalise(to);
        int seed;
        int tries = 0;
        do {
            // Ids are computed modulo 2^16 everywhere, so even seed 0xFFFF works (fixes Q5).
            seed = engine.host.random(this) & Seq.MASK;
        } while (idClashes(seed) && ++tries < 64);
        if (engine.table.get(peer, seed) != null) {
            return -1;                      // 64 colliding draws: the random source is broken
        }
        recvId = seed;
        sendId = Seq.add(seed, 1);
        initialise();
        engine.table.put(this);
        state = SYN_SENT;
        timers.armRetransmission(engine.nowMillis, RttEstimator.INITIAL_RTO_MS);
        seqNr = engine.host.random(this) & Seq.MASK;
        fast.start(seqNr);
        out.queuePacket(Header.ST_SYN, null, 0, 0);
        return 0;
    }

    /**
     * True if {@code seed} as our receive id (send id seed+1) would share an id with another
     * connection to the same peer. RSTs name a connection by either of its ids, so neighbours
     * within one of each other's ids would let an RST for one reset the other.
     */
    private boolean idClashes(int seed) {
        for (int delta = -1; delta <= 2; delta++) {
            if (engine.table.get(peer, Seq.add(seed, delta)) != null) {
                return true;
            }
        }
        return false;
    }

    /** Sets up an accepted connection for a SYN from {@code from}; the caller inserts it. */
    void accept(InetSocketAddress from, int synConnId, int synSeqNr) {
        peer = from;
        recvId = Seq.add(synConnId, 1);
        sendId = synConnId;
        ackNr = synSeqNr;
        synSeq = synSeqNr;
        initialise();
        seqNr = engine.host.random(this) & Seq.MASK;
        synAckSeq = seqNr;
        fast.start(seqNr);
        state = SYN_RECV;
        lastReceivedMillis = engine.nowMillis;
    }

    private void initialise() {
        delays.reset(engine.nowMillis);
        mtu.reset(clampMtu(engine.host.udpMtu(this, peer)), engine.nowMillis, true);
        cc.setWindow(packetSize());
        timers.sent(engine.nowMillis);
        lastReceivedMillis = engine.nowMillis;
    }

    int clampMtu(int mtuBytes) {
        int max = engine.slab.slotSize();
        return mtuBytes <= 0 ? max : Math.min(mtuBytes, max);
    }

    /** Sends the SYN-ACK (a STATE packet carrying our ISN, not consuming it). */
    void sendSynAck() {
        sendAckPacket(synAckSeq, ackNr, false);
    }

    boolean isDuplicateSyn(int seq) {
        return state == SYN_RECV && seq == synSeq;
    }

    // ------------------------------------------------------------------ writing

    /** libutp's utp_write: bytes accepted into the send window, possibly 0. */
    public long write(MemorySegment src, long offset, long length) {
        return out.write(src, offset, length);
    }

    /**
     * libutp's utp_writev: accepts as much of the vectors as the window allows, packetised
     * immediately. Returns the number of bytes accepted.
     */
    public long writev(MemorySegment[] iov, long[] offsets, long[] lengths, int count) {
        return out.writev(iov, offsets, lengths, count);
    }

    /** Stamps timestamps and hands a datagram to the host. */
    void transmit(MemorySegment seg, long base, int length, int overheadKind, int flags) {
        Header.setTimestamps(seg, base, Timestamps.wire(engine.nowMicros), delays.replyMicros());
        timers.sent(engine.nowMillis);
        ackQueued = false;                  // anything we send carries our ack
        stats.packetsSent++;
        stats.bytesSent += length;
        engine.transmit(this, seg, base, length, peer, flags, overheadKind);
    }

    /** Our receive window: RCVBUF minus what the application holds unread. */
    long receiveWindow() {
        long buffered = Math.max(0, engine.host.readBufferSize(this));
        long window = rcvbuf > buffered ? rcvbuf - buffered : 0;
        lastAdvertisedWindow = window;
        // Not the advertised window: when the application holds more than RCVBUF the window
        // reads 0 but the edge lies behind what was accepted.
        receiveWindow.advertise(stats.payloadBytesAccepted, (long) rcvbuf - buffered);
        return window;
    }

    private long freeReceiveBuffer() {
        long buffered = Math.max(0, engine.host.readBufferSize(this));
        return rcvbuf > buffered ? rcvbuf - buffered : 0;
    }

    // ------------------------------------------------------------------ acknowledgements

    /** The engine's deferred-ack pass: the ack queued earlier goes now, unless something sent since carried it. */
    void sendDeferredAck() {
        if (ackQueued) {
            ackQueued = false;
            if (state != DESTROY && state != UNINITIALIZED) {
                sendAck();
            }
        }
    }

    /** Sends a STATE packet now, with a SACK when packets wait in the reorder buffer. */
    void sendAck() {
        sendAckPacket(seqNr, ackNr, true);
    }

    private void sendAckPacket(int seq, int ack, boolean allowSack) {
        MemorySegment seg = engine.scratch;
        int length = Header.SIZE;
        boolean sack = allowSack && reorder.count() > 0 && !eofReached;
        Header.write(seg, 0, Header.ST_STATE, sack ? Header.EXT_SACK : Header.EXT_NONE, sendId, 0, 0, receiveWindow(), seq, ack);
        if (sack) {
            length += SackWriter.write(seg, Header.SIZE, ack, reorder.capacity(), reorder);
        }
        transmit(seg, 0, length, OVERHEAD_ACK, 0);
    }

    void scheduleAck() {
        if (!ackQueued) {
            ackQueued = true;
            engine.queueAck(this);
        }
    }

    /**
     * Half-closed (our FIN acked, the peer's direction still open): a peer silent for
     * {@link ConnectionTimers#HALF_CLOSED_PROBE_AFTER_MILLIS} (a live one keeps-alive every 29 s) is probed every
     * {@link ConnectionTimers#HALF_CLOSED_PROBE_MILLIS} with a duplicate of our FIN, which jutp and libutp answer with
     * an ack (an old non-STATE packet); silent for {@link ConnectionTimers#HALF_CLOSED_GIVE_UP_MILLIS}, it is gone:
     * ETIMEDOUT, even with the idle timeout off.
     * Returns true if the connection failed.
     */
    private boolean halfClosedPeerGone(long now) {
        if (!finAcked || queuedPackets > 0) {
            return false;                   // our FIN is still unacked: the RTO and its give-up rule
        }
        long silent = now - lastReceivedMillis;
        if (silent >= ConnectionTimers.HALF_CLOSED_GIVE_UP_MILLIS) {
            engine.log(this, Engine.LOG_NORMAL, "half-closed peer silent for %d ms: gone", silent);
            fail(ETIMEDOUT);
            return true;
        }
        if (silent >= ConnectionTimers.HALF_CLOSED_PROBE_AFTER_MILLIS && timers.halfClosedProbeAllowed(now)) {
            timers.halfClosedProbeSent(now);
            MemorySegment seg = engine.scratch;
            Header.write(seg, 0, Header.ST_FIN, Header.EXT_NONE, sendId, 0, 0, receiveWindow(), Seq.add(seqNr, -1), ackNr);
            transmit(seg, 0, Header.SIZE, OVERHEAD_CLOSE, 0);
        }
        return false;
    }

    /** Keep-alive: a STATE acking one less than we have, so the peer answers nothing new. */
    private void sendKeepAlive() {
        ackNr = Seq.add(ackNr, -1);
        sendAck();
        ackNr = Seq.add(ackNr, 1);
    }

    /** libutp's utp_read_drained: re-advertise the window once the application consumed data. */
    public void readDrained() {
        if (state == UNINITIALIZED || state == RESET || state == DESTROY) {
            return;
        }
        long before = lastAdvertisedWindow;
        if (freeReceiveBuffer() > before) {
            if (before == 0) {
                sendAck();
            } else {
                scheduleAck();
            }
        }
    }

    // ------------------------------------------------------------------ receiving

    /** Processes a parsed packet addressed to this connection (libutp's utp_process_incoming). */
    void receive(PacketView p) {
        countReceived(p.length);
        if (state == DESTROY) {
            inbound.ackFinWhileDestroying(p);
            return;
        }
        int type = p.type;
        int pkSeq = p.seq;
        int pkAck = p.ack;

        // Ack sanity: never for something we have not sent, never more than 3 behind the oldest.
        int lastSent = Seq.add(seqNr, -1);
        if (Seq.lessThan(lastSent, pkAck) || Seq.lessThan(pkAck, Seq.add(lastSent, -(queuedPackets + ACK_NR_ALLOWED_WINDOW)))) {
            stats.invalidReceived++;
            return;
        }
        if (state == SYN_SENT) {
            ackNr = Seq.add(pkSeq, -1);
        }
        lastReceivedMillis = engine.nowMillis;

        int seqDistance = Seq.distance(Seq.add(ackNr, 1), pkSeq);   // 0 = the next expected packet
        if (seqDistance > ReorderBuffer.MAX_AHEAD) {
            if (seqDistance >= Seq.MASK + 1 - (ReorderBuffer.MAX_AHEAD + 1)) {
                if (type != Header.ST_STATE) {
                    stats.staleReceived++;
                    scheduleAck();          // an old duplicate: our ack was probably lost
                }
            } else {
                stats.invalidReceived++;    // beyond any window we could have advertised
            }
            return;
        }

        // Cumulative acknowledgement bookkeeping.
        int oldest = Seq.add(seqNr, -queuedPackets);
        int ackCount = Seq.distance(Seq.add(oldest, -1), pkAck);
        if (ackCount > queuedPackets) {
            ackCount = 0;
        }
        boolean dupAckTrigger = false;
        if (queuedPackets > 0) {
            // As TCP (RFC 5681): an ack that moves the window is a window update, not a duplicate.
            // libtorrent sends one each time its application reads; counted, they made spurious
            // fast retransmissions and took MTU probes for lost.
            boolean duplicate = pkAck == Seq.add(oldest, -1) && type == Header.ST_STATE && p.windowSize == peerWindow;
            if (fast.countAck(duplicate)) {
                if (mtu.probeOutstanding()) {
                    if (mtu.isProbe(Seq.add(pkAck, 1))) {
                        mtu.probeLost(engine.nowMillis);
                    } else {
                        mtu.forgetProbe();
                    }
                }
                dupAckTrigger = !p.hasSack() && engine.config().duplicateAckFastRetransmit();
            }
        }

        long ackedBytes = acks.acknowledged(p, oldest, ackCount);

        peerWindow = p.windowSize;
        peerWindowClosed = peerWindow == 0;
        if (peerWindow == 0) {
            timers.peerWindowClosed(engine.nowMillis);
        }

        // State transitions.
        if (state == SYN_RECV) {
            // Any acceptable packet proves the initiator has our SYN-ACK.
            state = fullWhileHalfOpen ? CONNECTED_FULL : CONNECTED;
            engine.leftBacklog(this);
        } else if (state == SYN_SENT && (type == Header.ST_STATE || ackCount > 0)) {
            // DATA or FIN acking our SYN carries the acceptor's ISN as the SYN-ACK does: when the
            // SYN-ACK was lost ahead of a server's first bytes, this is the handshake's answer
            // (taking it only as an ack of the SYN would leave nothing to retransmit, forever).
            state = CONNECTED;
            engine.events.add(EngineEvents.CONNECT, this, 0);
            engine.log(this, Engine.LOG_NORMAL, "connected");
            if (shutdownPending) {
                shutdownPending = false;
                queueFin();
            }
        } else if (finSent && queuedPackets == ackCount) {
            finAcked = true;
            if (closeRequested) {
                state = DESTROY;
            }
        }

        fast.handledThrough(pkAck);
        for (int i = 0; i < ackCount; i++) {
            int seq = Seq.add(seqNr, -queuedPackets);
            if (sendQueue.contains(seq) && sendQueue.transmissions(seq) == 0) {
                break;                      // acked beyond what was sent: stop at the unsent
            }
            acks.ackPacket(seq);
            queuedPackets--;
        }
        acks.skipAckedFront();

        // Nagle release: a lone, never-sent packet goes now.
        if (queuedPackets == 1) {
            int only = Seq.add(seqNr, -1);
            if (sendQueue.contains(only) && sendQueue.transmissions(only) == 0 && state != DESTROY) {
                out.sendPacket(only);
            }
        }

        // Post-timeout recovery: each ack that reaches the oldest releases its retransmission.
        int oldestNow = Seq.add(seqNr, -queuedPackets);
        if (fast.releaseAfterTimeout(oldestNow, queuedPackets == 0)
                && sendQueue.contains(oldestNow) && sendQueue.transmissions(oldestNow) > 0) {
            stats.timeoutRecoveryRetransmits++;
            out.sendPacket(oldestNow);
            fast.handledThrough(oldestNow);
        }

        if (p.hasSack()) {
            loss.selectiveAck(pkAck, p);
        } else if (dupAckTrigger) {
            loss.duplicateAckResend();
        }
        if (config.lossRecovery() == Engine.LOSS_RECOVERY_RACK_TLP) {
            if (queuedPackets == 0) {
                rack.disarmProbe();
            } else if (ackCount > 0 || ackedBytes > 0) {
                rack.armProbe(engine.nowMicros);
            }
            loss.detectLosses();
        }

        if (state == CONNECTED_FULL && !out.isFull(-1)) {
            state = CONNECTED;
            engine.events.add(EngineEvents.WRITABLE, this, 0);
        }
        // Acks opened the window: send what is queued now, not at the next tick (Q23).
        out.flush();

        if (type == Header.ST_STATE) {
            return;                         // payload in a STATE packet is never delivered
        }
        if (state != CONNECTED && state != CONNECTED_FULL) {
            return;
        }
        if (eofReached) {
            return;                         // nothing after the FIN is delivered (Q21)
        }
        inbound.acceptPayload(p, seqDistance);
    }

    // ------------------------------------------------------------------ timers



    /** Per-connection timer work at a tick (libutp's UTPSocket::check_timeouts). */
    void checkTimeouts() {
        out.flush();
        long now = engine.nowMillis;
        switch (state) {
            case SYN_SENT, SYN_RECV, CONNECTED, CONNECTED_FULL -> {
                if (peerWindow == 0 && timers.takeZeroWindowProbe(now)) {
                    peerWindow = PACKET_SIZE_CONSTANT;     // let one probe packet out
                }
                if (state == SYN_RECV && queuedPackets == 0 && now - lastReceivedMillis > ConnectionTimers.SYN_RECV_SILENCE_MILLIS) {
                    fail(ETIMEDOUT);        // half-open and silent: do not leak it (Q4)
                    return;
                }
                if (config.idleTimeoutMillis() > 0 && (state == CONNECTED || state == CONNECTED_FULL)
                        && now - lastReceivedMillis > config.idleTimeoutMillis()) {
                    engine.log(this, Engine.LOG_NORMAL, "timed out: nothing heard for %d ms", now - lastReceivedMillis);
                    fail(ETIMEDOUT);        // the peer vanished (its keep-alives would have come)
                    return;
                }
                loss.checkLossTimers();
                if (timers.retransmissionDue(now) && engine.takeTimeout() && loss.retransmissionTimeout(now)) {
                    return;
                }
                if (state == CONNECTED_FULL && !out.isFull(-1)) {
                    state = CONNECTED;
                    engine.events.add(EngineEvents.WRITABLE, this, 0);
                }
                if ((state == CONNECTED || state == CONNECTED_FULL) && finSent && !eofReached && halfClosedPeerGone(now)) {
                    return;
                }
                // Keep-alives go on after our FIN while the peer's direction is open (libutp's do too).
                if ((state == CONNECTED || state == CONNECTED_FULL) && !(finSent && eofReached)
                        && timers.keepAliveDue(now, engine.config().keepAliveEarlyMillis())) {
                    sendKeepAlive();
                }
            }
            default -> { }
        }
    }

    /** Engine time (ms) at which {@link #checkTimeouts} has work for this connection as it stands. */
    long nextTimerMillis() {
        if (state != SYN_SENT && state != SYN_RECV && state != CONNECTED && state != CONNECTED_FULL) {
            return Long.MAX_VALUE;
        }
        ConnectionTimers.Situation s = timers.situation;
        s.lastReceivedMillis = lastReceivedMillis;
        s.packetsQueued = queuedPackets > 0;
        s.rackTimersRun = config.lossRecovery() == Engine.LOSS_RECOVERY_RACK_TLP;
        s.peerWindowZero = peerWindow == 0;
        s.halfOpen = state == SYN_RECV;
        s.connected = state == CONNECTED || state == CONNECTED_FULL;
        s.halfClosedIdle = finSent && !eofReached && finAcked && queuedPackets == 0;
        s.idleTimeoutMillis = config.idleTimeoutMillis();
        return timers.next(engine.nowMillis);
    }


    /**
     * ICMP "fragmentation needed": {@code nextHopMtu} is the IP-level MTU from the message,
     * converted to a UDP payload size here (libutp uses it as is, Q7).
     */
    void fragmentationNeeded(int nextHopMtu) {
        int ipAndUdp = peer.getAddress() instanceof Inet6Address ? UdpDefaults.IPV6_OVERHEAD_BYTES : UdpDefaults.IPV4_OVERHEAD_BYTES;
        if (nextHopMtu > ipAndUdp && nextHopMtu < 65536) {
            mtu.fragmentationNeeded(nextHopMtu - ipAndUdp, engine.nowMillis);
        } else {
            mtu.narrow(engine.nowMillis);
        }
        engine.log(this, Engine.LOG_MTU, "MTU [ICMP] next hop %d: floor:%d ceiling:%d guess:%d", nextHopMtu, mtu.floor(), mtu.ceiling(), mtu.guess());
    }

    /** RST, ICMP or give-up: dead, and destroyed if the application already closed. */
    void fail(int errorCode) {
        if (state == DESTROY) {
            return;                         // closed is closed: no error after close (Q13)
        }
        state = closeRequested ? DESTROY : RESET;
        engine.leftBacklog(this);
        engine.events.add(EngineEvents.ERROR, this, errorCode);
    }

    /**
     * Whether an RST acking {@code ack} answers something we sent: ack_nr between the oldest
     * unacked packet (less {@link #RESET_ACK_SLACK}) and our next seq_nr (which STATE packets,
     * SYN-ACKs and keep-alives carry). libutp checks nothing, so a blind sweep of the 16-bit id
     * space kills its connections; here the sweep must also guess ack_nr.
     */
    boolean resetAcceptable(int ack) {
        return Seq.distance(ack, seqNr) <= queuedPackets + RESET_ACK_SLACK;
    }

    /** An RST from the peer: refused while connecting (Q1), reset otherwise. */
    void resetByPeer() {
        if (finAcked && eofReached) {
            // Both directions finished: the peer freed its side first and answered a late ack
            // with RST. Nothing was lost, so end quietly instead of reporting a reset.
            if (state != DESTROY) {
                state = closeRequested ? DESTROY : RESET;
            }
            return;
        }
        int code = state == SYN_SENT ? ECONNREFUSED : ECONNRESET;
        fail(code);
    }

    // ------------------------------------------------------------------ shutdown and close

    /** libutp's utp_shutdown(SHUT_RD / SHUT_WR / SHUT_RDWR). */
    public void shutdown(int how) {
        if (state == UNINITIALIZED || state == DESTROY) {
            return;
        }
        if (how != SHUT_WR) {
            readShutdown = true;
        }
        if (how != SHUT_RD) {
            if (state == CONNECTED || state == CONNECTED_FULL || state == SYN_RECV) {
                queueFin();
            } else if (state == SYN_SENT) {
                shutdownPending = true;     // remembered, FIN once connected (Q12)
            }
        }
    }

    private void queueFin() {
        if (finQueued) {
            return;
        }
        finQueued = true;
        out.queuePacket(Header.ST_FIN, null, 0, 0);
        finSent = true;
        out.flush();
    }

    /**
     * libutp's utp_close: graceful (FIN, wait for its ack) when connected, immediate otherwise.
     * The connection is freed, with a DESTROYING event, at the next tick.
     */
    public void close() {
        engine.timersChanged();
        if (state == UNINITIALIZED) {
            // Never connected: nothing to tell the network, but the application still gets its
            // DESTROYING at the next tick like every other socket (libutp aborts here, Q15).
            state = DESTROY;
            closeRequested = true;
            engine.trackUntracked(this);
            return;
        }
        if (state == DESTROY || closeRequested) {
            return;                         // a second close is harmless (Q29)
        }
        switch (state) {
            case CONNECTED, CONNECTED_FULL -> {
                closeRequested = true;
                readShutdown = true;
                if (!finQueued) {
                    queueFin();
                } else if (finAcked) {
                    state = DESTROY;
                }
            }
            default -> {
                closeRequested = true;
                state = DESTROY;
                engine.closedByApplication(this);
            }
        }
    }

    /**
     * Resets the connection (the stream API's abort, an owner abandoning it): an RST tells the
     * peer at once, which fails with ECONNRESET; data not yet acknowledged is discarded, and the
     * connection is freed at the next tick with DESTROYING, like a closed one.
     */
    public void abort() {
        if (state == SYN_SENT || state == SYN_RECV || state == CONNECTED || state == CONNECTED_FULL) {
            MemorySegment seg = engine.scratch;
            Header.write(seg, 0, Header.ST_RESET, Header.EXT_NONE, sendId, 0, 0, 0, seqNr, ackNr);
            engine.countResetSent();
            transmit(seg, 0, Header.SIZE, OVERHEAD_CLOSE, 0);
        }
        if (state == UNINITIALIZED) {
            close();
            return;
        }
        readShutdown = true;
        if (state != DESTROY) {
            closeRequested = true;
            state = DESTROY;
            engine.closedByApplication(this);
            engine.timersChanged();
        }
    }

    /**
     * Payload bytes written to this connection that the peer has not acknowledged yet (sent or
     * not). Walks the send queue: for the control path (close, linger), not per packet.
     */
    public long unacknowledgedBytes() {
        long bytes = 0;
        for (int i = 0, seq = Seq.add(seqNr, -queuedPackets); i < queuedPackets; i++, seq = Seq.add(seq, 1)) {
            if (sendQueue.contains(seq)) {
                bytes += sendQueue.payload(seq);
            }
        }
        return bytes;
    }

    /** A datagram of {@code length} bytes arrived for this connection. */
    void countReceived(int length) {
        stats.packetsReceived++;
        stats.bytesReceived += length;
        engine.countReceived(length);
    }

    /** The engine is closing: this connection goes with it, whatever its state. */
    void destroyWithEngine() {
        state = DESTROY;
    }

    /** Releases everything this connection holds in the slab; a deferred ack no longer goes. */
    void freeResources() {
        ackQueued = false;
        for (int i = 0, seq = Seq.add(seqNr, -queuedPackets); i < queuedPackets; i++, seq = Seq.add(seq, 1)) {
            int slot = sendQueue.remove(seq);
            if (slot >= 0) {
                engine.slab.release(slot);
            }
        }
        queuedPackets = 0;
        reorder.clear(engine::releaseAfterDispatch);
    }

    @Override
    public String toString() {
        return "Connection[" + peer + " recv=" + recvId + " send=" + sendId + " state=" + state + "]";
    }
}
