package dev.jutp.engine;

import dev.jutp.engine.time.Deadline;

/**
 * A connection's timers, in engine milliseconds: the retransmission timeout, the zero-window
 * probe, the keep-alive and the half-closed probe, each a {@link Deadline} (so "not armed" is its
 * own state, never a magic time), and the silence limits counted from when the peer was last
 * heard. Holds no connection state of its own beyond them: the connection says what applies
 * (its state, what is in flight) and this class says when. Allocates nothing.
 */
final class ConnectionTimers {
    static final long KEEPALIVE_MILLIS = 29_000;
    static final long ZERO_WINDOW_PROBE_MILLIS = 15_000;
    /** A half-open accepted connection that hears nothing for this long is dropped (fixes Q4). */
    static final long SYN_RECV_SILENCE_MILLIS = 2 * KEEPALIVE_MILLIS + 5_000;
    /** Half-closed: a peer silent this long missed its 29 s keep-alive and is probed... */
    static final long HALF_CLOSED_PROBE_AFTER_MILLIS = KEEPALIVE_MILLIS + 1_000;
    /** ...this often... */
    static final long HALF_CLOSED_PROBE_MILLIS = 10_000;
    /** ...and, silent this long (three unanswered probes), is gone. */
    static final long HALF_CLOSED_GIVE_UP_MILLIS = HALF_CLOSED_PROBE_AFTER_MILLIS + 3 * HALF_CLOSED_PROBE_MILLIS;
    /**
     * Silence checks and an idle window's decay may run this much late, so that an owner sleeping
     * until {@link Engine#nextTimeoutMillis} wakes once for all connections due about then (it also
     * lets keep-alives go this much early: {@link EngineConfig#keepAliveEarlyMillis}).
     */
    static final long LAZY_TIMER_SLACK_MILLIS = 1_000;

    private final Deadline retransmission = new Deadline();
    /** The timeout the retransmission deadline was last armed with (backed off on expiry). */
    private int retransmissionTimeoutMillis;
    private final Deadline zeroWindowProbe = new Deadline();
    /** Re-armed by every datagram sent: a connection silent for 29 s sends a keep-alive. */
    private final Deadline keepAlive = new Deadline();
    /** Half-closed: when the next probe of a silent peer may go; not armed before the first. */
    private final Deadline halfClosedProbe = new Deadline();

    // ------------------------------------------------------------------ retransmission timeout

    void armRetransmission(long now, int timeoutMillis) {
        retransmissionTimeoutMillis = timeoutMillis;
        retransmission.armAfter(now, timeoutMillis);
    }

    boolean retransmissionDue(long now) {
        return retransmission.due(now);
    }

    /** Valid once {@link #armRetransmission} ran. */
    int retransmissionTimeoutMillis() {
        return retransmissionTimeoutMillis;
    }

    // ------------------------------------------------------------------ zero window

    /** The peer advertised a zero window: one probe packet may go after a while anyway. */
    void peerWindowClosed(long now) {
        zeroWindowProbe.armAfter(now, ZERO_WINDOW_PROBE_MILLIS);
    }

    /** Whether the zero-window probe is due now; disarms it when it is (one probe per closing). */
    boolean takeZeroWindowProbe(long now) {
        if (!zeroWindowProbe.due(now)) {
            return false;
        }
        zeroWindowProbe.disarm();
        return true;
    }

    // ------------------------------------------------------------------ keep-alive and probes

    /** A datagram left: the keep-alive counts from now. */
    void sent(long now) {
        keepAlive.armAfter(now, KEEPALIVE_MILLIS);
    }

    /** A keep-alive is due, or will be within {@code earlyMillis}. */
    boolean keepAliveDue(long now, long earlyMillis) {
        return keepAlive.armed() && now >= keepAlive.at() - earlyMillis;
    }

    /** Whether a half-closed probe may go now (none yet, or the last one long enough ago). */
    boolean halfClosedProbeAllowed(long now) {
        return !halfClosedProbe.armed() || halfClosedProbe.due(now);
    }

    void halfClosedProbeSent(long now) {
        halfClosedProbe.armAfter(now, HALF_CLOSED_PROBE_MILLIS);
    }

    // ------------------------------------------------------------------ the earliest work

    /** What {@link #next} needs to know; the connection fills it in before asking. */
    final Situation situation = new Situation();

    /** When a connection whose timers still run (handshake or connected) next has timer work. */
    long next(long now) {
        Situation s = situation;
        long next = !retransmission.armed() ? Long.MAX_VALUE
                // Nothing in flight: the timer only decays an idle window, which can wait a little.
                : !s.packetsQueued ? retransmission.at() + LAZY_TIMER_SLACK_MILLIS : retransmission.at();
        if (s.rackTimersRun && s.packetsQueued) {
            next = now;                     // RACK's and TLP's timers work on the RTT's scale: every tick
        }
        if (zeroWindowProbe.armed() && s.peerWindowZero) {
            next = Math.min(next, zeroWindowProbe.at());
        }
        if (s.halfOpen && !s.packetsQueued) {
            next = Math.min(next, s.lastReceivedMillis + SYN_RECV_SILENCE_MILLIS + 1 + LAZY_TIMER_SLACK_MILLIS);
        }
        if (s.connected) {
            next = Math.min(next, keepAlive.at());
            if (s.halfClosedIdle) {
                // Half-closed: the next probe of a silent peer, or the give-up.
                long probe = s.lastReceivedMillis + HALF_CLOSED_PROBE_AFTER_MILLIS;
                next = Math.min(next, halfClosedProbe.armed() ? Math.max(probe, halfClosedProbe.at()) : probe);
                next = Math.min(next, s.lastReceivedMillis + HALF_CLOSED_GIVE_UP_MILLIS);
            }
            if (s.idleTimeoutMillis > 0) {
                next = Math.min(next, s.lastReceivedMillis + s.idleTimeoutMillis + 1 + LAZY_TIMER_SLACK_MILLIS);
            }
        }
        return next;
    }

    /** The connection's side of {@link #next}, filled in place (reused: asking allocates nothing). */
    static final class Situation {
        long lastReceivedMillis;
        boolean packetsQueued;
        /** RACK-TLP mode: its timers run between ticks while packets are outstanding. */
        boolean rackTimersRun;
        boolean peerWindowZero;
        /** SYN_RECV. */
        boolean halfOpen;
        /** CONNECTED or CONNECTED_FULL. */
        boolean connected;
        /** Our FIN sent and acked, nothing queued, the peer's direction still open. */
        boolean halfClosedIdle;
        int idleTimeoutMillis;
    }

    @Override
    public String toString() {
        return "rto " + retransmission + " zero-window " + zeroWindowProbe + " keep-alive " + keepAlive
                + " half-closed probe " + halfClosedProbe;
    }
}
